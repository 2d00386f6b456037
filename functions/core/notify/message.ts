import { type EntryMedia, entryTitle, type FeedEntry } from '../channels/entry';
import { type Html, html } from '../channels/html';
import { displayDate } from '../channels/render/layout';
import type { PushPayload } from './push';

/**
 * What parents read: the words of every push notification and email, built from a post's feed entry
 * (the snapshot the channels render), so a notification shows exactly what the feeds show.
 */
export interface NotifiedPost {
  entry: FeedEntry;
  /** Where the post can be read: its public page, or its place on the class's private page. */
  url: string;
  /** Which of the family's classes (or which school) it is for, e.g. "Year 1 · Demo Primary School". */
  label: string;
  urgent: boolean;
}

export interface MessageLinks {
  manageUrl: string;
  unsubscribeUrl: string;
}

/** The width of the photo an email shows (the variant sizes are 320/640/1280/2048). */
const EMAIL_IMAGE_WIDTH = 640;

/** A JPEG (every mail client shows JPEG; not all show WebP) of a photo, or of a video's poster. */
export function emailImage(media: EntryMedia | undefined): { url: string; alt: string } | undefined {
  if (!media) return undefined;
  const jpegs = media.outputs
    .filter((o) => (o.role === 'image' || o.role === 'poster') && o.contentType === 'image/jpeg')
    .sort((a, b) => Math.abs((a.width ?? 0) - EMAIL_IMAGE_WIDTH) - Math.abs((b.width ?? 0) - EMAIL_IMAGE_WIDTH));
  return jpegs[0] ? { url: jpegs[0].url, alt: media.alt } : undefined;
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** One post, as an instant push notification. */
export function postPush(post: NotifiedPost, manageUrl: string): PushPayload {
  const image = emailImage(post.entry.media[0]);
  return {
    title: `${post.urgent ? 'Urgent: ' : ''}${post.label}`,
    body: truncate(post.entry.caption.trim() || entryTitle(post.entry), 200),
    url: post.url,
    manageUrl,
    tag: `post-${post.entry.postId}`,
    ...(image ? { image: image.url } : {}),
  };
}

/** An evening digest, as one push notification that opens the newest post. */
export function digestPush(date: string, posts: NotifiedPost[], manageUrl: string): PushPayload {
  const titles = posts.map((p) => entryTitle(p.entry));
  return {
    title: posts.length === 1 ? `Today: ${posts[0]?.label}` : `Today: ${posts.length} new posts`,
    body: truncate(titles.join(' · '), 200),
    url: posts.at(-1)?.url ?? '',
    manageUrl,
    tag: `digest-${date}`,
  };
}

const footerText = (links: MessageLinks) =>
  `\n--\nChange how and when you hear from school, or add another child: ${links.manageUrl}\nUnsubscribe this address: ${links.unsubscribeUrl}\n`;

const footerHtml = (links: MessageLinks) => html`<hr style="border:0;border-top:1px solid #ddd;margin:24px 0">
<p style="font-size:14px;color:#555">You receive this because you joined a class on Corridor.
<a href="${links.manageUrl}">Change how and when you hear from school, or add another child</a> ·
<a href="${links.unsubscribeUrl}">Unsubscribe this address</a></p>`;

function postBlockHtml(post: NotifiedPost, timezone: string): Html {
  const image = emailImage(post.entry.media[0]);
  const more = post.entry.media.length > 1 ? ` (+${post.entry.media.length - 1} more)` : '';
  return html`<div style="margin:0 0 24px">
<p style="margin:0;font-size:14px;color:#555">${post.urgent ? html`<strong style="color:#b00020">Urgent</strong> · ` : ''}${post.label} · ${displayDate(post.entry.publishedAt, timezone)}</p>
${image ? html`<a href="${post.url}"><img src="${image.url}" alt="${image.alt}" width="${EMAIL_IMAGE_WIDTH}" style="display:block;width:100%;max-width:${EMAIL_IMAGE_WIDTH}px;height:auto;border-radius:8px;margin:8px 0"></a>` : ''}
<p style="white-space:pre-line;margin:8px 0">${post.entry.caption}</p>
<p style="margin:0"><a href="${post.url}">See it${more}</a></p>
</div>`;
}

function postBlockText(post: NotifiedPost, timezone: string): string {
  return `${post.urgent ? 'URGENT · ' : ''}${post.label} · ${displayDate(post.entry.publishedAt, timezone)}\n${post.entry.caption.trim()}\n${post.url}\n`;
}

const shell = (title: string, body: Html) => `<!doctype html>
${
  html`<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body style="margin:0;padding:16px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5;color:#111;background:#fff">
<div style="max-width:600px;margin:0 auto">${body}</div></body></html>`.value
}`;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** One post, as an instant email. */
export function postEmail(post: NotifiedPost, links: MessageLinks, timezone: string): RenderedEmail {
  const subject = `${post.urgent ? 'Urgent: ' : ''}${post.label}: ${entryTitle(post.entry)}`;
  return {
    subject,
    html: shell(subject, html`${postBlockHtml(post, timezone)}${footerHtml(links)}`),
    text: `${postBlockText(post, timezone)}${footerText(links)}`,
  };
}

/** Posts grouped by label in first-seen order (Map.groupBy needs Node 21). */
function groupByLabel(posts: NotifiedPost[]): [string, NotifiedPost[]][] {
  const groups = new Map<string, NotifiedPost[]>();
  for (const post of posts) groups.set(post.label, [...(groups.get(post.label) ?? []), post]);
  return [...groups];
}

/** The evening digest: every post of the day for all the family's classes, grouped by class. */
export function digestEmail(date: string, posts: NotifiedPost[], links: MessageLinks, timezone: string): RenderedEmail {
  const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );
  const groups = groupByLabel(posts);
  const subject = `Today at school, ${day}: ${posts.length} new ${posts.length === 1 ? 'post' : 'posts'}`;
  const body = html`<h1 style="font-size:22px;margin:0 0 16px">Today at school · ${day}</h1>
${groups.map(([label, group]) => html`<h2 style="font-size:18px;margin:24px 0 8px">${label}</h2>${group.map((p) => postBlockHtml(p, timezone))}`)}
${footerHtml(links)}`;
  const text = `Today at school · ${day}\n\n${groups
    .map(([label, group]) => `== ${label} ==\n\n${group.map((p) => postBlockText(p, timezone)).join('\n')}`)
    .join('\n')}${footerText(links)}`;
  return { subject, html: shell(subject, body), text };
}
