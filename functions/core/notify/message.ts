import type { EntryMedia, FeedEntry } from '../channels/entry';
import { CAPTION_LOCALE, type Locale, localeInfo } from '../i18n/locales';
import { formatDateTime, formatDay, langAttributes, type MessageKey, t, tHtml } from '../i18n/messages';
import type { MediaKind } from '../media/media';
import type { PushPayload } from '../messaging/push';
import { type Html, html } from '../security/html';
import { translationMarks } from '../translate/marks';

/**
 * What parents read: the words of every push notification and email, built from a post's feed entry
 * (the snapshot the channels render), so a notification shows exactly what the feeds show — in the
 * family's language (catalogues in ../i18n), with dates on the school's clock. The caption stays in the
 * language staff wrote it in and is marked as such (`lang`), unless the school translates captions: then
 * the family reads the stored machine translation, marked as one, with the original beside it.
 */
export interface NotifiedPost {
  entry: FeedEntry;
  /** Where the post can be read: its public page, or its place on the class's private page. */
  url: string;
  /** Which of the family's classes (or which school) it is for, e.g. "Year 1 · Demo Primary School". */
  label: string;
  urgent: boolean;
  /** The caption and alt texts in the family's language, or 'failed' when the translator could not. */
  translation?: PostTranslationText | 'failed';
  /** The school that posted it: its name signs the email, its accent colours the email's header. */
  school?: { name: string; accent?: string };
}

export interface PostTranslationText {
  caption: string;
  /** One per media item, in the entry's order. */
  alts: string[];
  /**
   * `school`: staff wrote or corrected it. Families are told so in words ("Translated by the school")
   * rather than "Translated automatically": the school stands behind it, and it is still a translation,
   * so the original stays beside it.
   */
  by?: 'machine' | 'school';
}

export interface MessageLinks {
  manageUrl: string;
  unsubscribeUrl: string;
}

/** Who reads a message: the family's language and the time zone its days are counted in. */
export interface Reader {
  locale: Locale;
  timezone: string;
}

/** The width of the photo an email shows (the variant sizes are 320/640/1080/1280/2048). */
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

const translated = (post: NotifiedPost) => (typeof post.translation === 'object' ? post.translation : undefined);

/** The caption's translation, when there is a caption (a photo with only alt text has nothing to mark). */
const translatedCaption = (post: NotifiedPost) => (post.entry.caption.trim() === '' ? undefined : translated(post)?.caption);

/** How a translation is marked: by the machine, or by the school (words and push line). */
const markKeys = (post: NotifiedPost) => translationMarks[translated(post)?.by ?? 'machine'];

/** The caption the family reads: the translation when there is one. */
const captionOf = (post: NotifiedPost) => translatedCaption(post) ?? post.entry.caption;

const newKindKeys: Record<MediaKind, MessageKey> = {
  image: 'message.newImage',
  audio: 'message.newAudio',
  video: 'message.newVideo',
};

/** A short title: the caption's first line, or "New photo" in the reader's words for a post without one. */
function titleOf(post: NotifiedPost, locale: Locale): string {
  const firstLine = captionOf(post).split('\n')[0]?.trim() ?? '';
  if (firstLine === '') {
    const kind = post.entry.media[0]?.kind;
    return t(locale, kind ? newKindKeys[kind] : 'message.newPost');
  }
  return firstLine.length > 80 ? `${firstLine.slice(0, 77)}…` : firstLine;
}

/** One post, as an instant push notification. */
export function postPush(post: NotifiedPost, manageUrl: string, locale: Locale): PushPayload {
  const image = emailImage(post.entry.media[0]);
  const text = captionOf(post).trim() || titleOf(post, locale);
  return {
    title: post.urgent ? t(locale, 'message.urgentLabel', { label: post.label }) : post.label,
    body: truncate(translatedCaption(post) !== undefined ? t(locale, markKeys(post).push, { text }) : text, 200),
    url: post.url,
    manageUrl,
    tag: `post-${post.entry.postId}`,
    ...langAttributes(locale),
    settingsLabel: t(locale, 'push.settings'),
    ...(image ? { image: image.url } : {}),
  };
}

/** An evening digest, as one push notification that opens the newest post. */
export function digestPush(posts: NotifiedPost[], manageUrl: string, locale: Locale, date: string): PushPayload {
  const titles = posts.map((p) => titleOf(p, locale));
  return {
    title:
      posts.length === 1
        ? t(locale, 'digest.pushOne', { label: posts[0]?.label ?? '' })
        : t(locale, 'digest.pushMany', { count: posts.length }),
    body: truncate(titles.join(' · '), 200),
    url: posts.at(-1)?.url ?? '',
    manageUrl,
    tag: `digest-${date}`,
    ...langAttributes(locale),
    settingsLabel: t(locale, 'push.settings'),
  };
}

const footerText = (links: MessageLinks, locale: Locale) =>
  `\n--\n${t(locale, 'message.manage')}: ${links.manageUrl}\n${t(locale, 'message.unsubscribe')}: ${links.unsubscribeUrl}\n`;

const footerHtml = (links: MessageLinks, locale: Locale) => html`<hr style="border:0;border-top:1px solid #ddd;margin:24px 0">
<p style="font-size:14px;color:#555">${t(locale, 'message.why')}
<a href="${links.manageUrl}">${t(locale, 'message.manage')}</a> ·
<a href="${links.unsubscribeUrl}">${t(locale, 'message.unsubscribe')}</a></p>`;

/** Names of classes and schools are isolated, so an English name keeps its order inside a right-to-left line. */
const isolated = (text: string) => html`<bdi>${text}</bdi>`;

/** The caption, in its own language: the translation with the original beneath it, or the original. */
function captionHtml(post: NotifiedPost, locale: Locale): Html {
  const original = html`<p lang="${CAPTION_LOCALE}" dir="auto" style="white-space:pre-line;margin:8px 0">${post.entry.caption}</p>`;
  const translation = translatedCaption(post);
  if (translation !== undefined) {
    return html`<p ${langAttributesHtml(locale)} style="white-space:pre-line;margin:8px 0">${translation}</p>
<p style="font-size:14px;color:#555;margin:0">${t(locale, markKeys(post).mark)} · ${t(locale, 'translation.original')}</p>
<blockquote lang="${CAPTION_LOCALE}" dir="auto" style="white-space:pre-line;margin:4px 0 8px;padding-inline-start:8px;border-inline-start:3px solid #ddd;color:#555">${post.entry.caption}</blockquote>`;
  }
  if (post.translation === 'failed' && post.entry.caption.trim() !== '') {
    return html`${original}<p style="font-size:14px;color:#555;margin:0">${t(locale, 'translation.failed')}</p>`;
  }
  return post.entry.caption.trim() === '' ? html`` : original;
}

const langAttributesHtml = (locale: Locale) => html`lang="${locale}" dir="${localeInfo[locale].dir}"`;

function postBlockHtml(post: NotifiedPost, reader: Reader): Html {
  const { locale } = reader;
  const image = emailImage(post.entry.media[0]);
  const alt = translated(post)?.alts[0] || image?.alt;
  const more = Math.max(0, post.entry.media.length - 1);
  return html`<div style="margin:0 0 24px">
<p style="margin:0;font-size:14px;color:#555">${post.urgent ? html`<strong style="color:#b00020">${t(locale, 'message.urgent')}</strong> · ` : ''}${isolated(post.label)} · ${formatDateTime(locale, post.entry.publishedAt, reader.timezone)}</p>
${image ? html`<a href="${post.url}"><img src="${image.url}" alt="${alt}" width="${EMAIL_IMAGE_WIDTH}" style="display:block;width:100%;max-width:${EMAIL_IMAGE_WIDTH}px;height:auto;border-radius:8px;margin:8px 0"></a>` : ''}
${captionHtml(post, locale)}
<p style="margin:0"><a href="${post.url}">${t(locale, 'message.seeIt', { more })}</a></p>
</div>`;
}

function postBlockText(post: NotifiedPost, reader: Reader): string {
  const { locale } = reader;
  const head = `${post.urgent ? `${t(locale, 'message.urgent').toUpperCase()} · ` : ''}${post.label} · ${formatDateTime(locale, post.entry.publishedAt, reader.timezone)}`;
  const translation = translatedCaption(post);
  const caption =
    translation !== undefined
      ? `${translation.trim()}\n(${t(locale, markKeys(post).mark)} · ${t(locale, 'translation.original')} ${post.entry.caption.trim()})`
      : post.translation === 'failed' && post.entry.caption.trim() !== ''
        ? `${post.entry.caption.trim()}\n(${t(locale, 'translation.failed')})`
        : post.entry.caption.trim();
  return `${head}\n${caption}\n${post.url}\n`;
}

const shell = (title: string, body: Html, locale: Locale) => `<!doctype html>
${
  html`<html ${langAttributesHtml(locale)}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body style="margin:0;padding:16px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Naskh Arabic','Noto Nastaliq Urdu',sans-serif;line-height:1.5;color:#111;background:#fff">
<div ${langAttributesHtml(locale)} style="max-width:600px;margin:0 auto;text-align:start">${body}</div></body></html>`.value
}`;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** The sender's display name: the school, when every post in the message is from one school. */
  fromName?: string;
}

/** Corridor's default accent (the pages' too), for a school that chose none. */
const DEFAULT_ACCENT = '#1d5fa8';

/** The one school every post is from (a family may follow classes at two schools: a digest then has none). */
function soleSchool(posts: NotifiedPost[]): NotifiedPost['school'] {
  const [first] = posts;
  return first?.school && posts.every((p) => p.school?.name === first.school?.name) ? first.school : undefined;
}

/** The email's header: the school's name in white on its accent (checked for WCAG AA when it was set). */
function schoolHeader(school: NotifiedPost['school']): Html {
  if (!school) return html``;
  const accent = school.accent && /^#[0-9a-f]{6}$/.test(school.accent) ? school.accent : DEFAULT_ACCENT;
  return html`<div style="background:${accent};color:#ffffff;padding:12px 16px;margin:0 0 16px;border-radius:8px;font-size:18px;font-weight:700">${isolated(school.name)}</div>`;
}

const sender = (posts: NotifiedPost[]) => {
  const school = soleSchool(posts);
  return school ? { fromName: school.name } : {};
};

/** One post, as an instant email. */
export function postEmail(post: NotifiedPost, links: MessageLinks, reader: Reader): RenderedEmail {
  const { locale } = reader;
  const subject = t(locale, post.urgent ? 'message.urgentPostSubject' : 'message.postSubject', {
    label: post.label,
    title: titleOf(post, locale),
  });
  return {
    subject,
    html: shell(subject, html`${schoolHeader(post.school)}${postBlockHtml(post, reader)}${footerHtml(links, locale)}`, locale),
    text: `${postBlockText(post, reader)}${footerText(links, locale)}`,
    ...sender([post]),
  };
}

/** Posts grouped by label in first-seen order (Map.groupBy needs Node 21). */
function groupByLabel(posts: NotifiedPost[]): [string, NotifiedPost[]][] {
  const groups = new Map<string, NotifiedPost[]>();
  for (const post of posts) groups.set(post.label, [...(groups.get(post.label) ?? []), post]);
  return [...groups];
}

/** The evening digest: every post of the day for all the family's classes, grouped by class. */
export function digestEmail(date: string, posts: NotifiedPost[], links: MessageLinks, reader: Reader): RenderedEmail {
  const { locale } = reader;
  const day = formatDay(locale, date);
  const groups = groupByLabel(posts);
  const subject = t(locale, 'digest.subject', { day, count: posts.length });
  const body = html`${schoolHeader(soleSchool(posts))}<h1 style="font-size:22px;margin:0 0 16px">${tHtml(locale, 'digest.heading', { day })}</h1>
${groups.map(([label, group]) => html`<h2 style="font-size:18px;margin:24px 0 8px">${isolated(label)}</h2>${group.map((p) => postBlockHtml(p, reader))}`)}
${footerHtml(links, locale)}`;
  const text = `${t(locale, 'digest.heading', { day })}\n\n${groups
    .map(([label, group]) => `== ${label} ==\n\n${group.map((p) => postBlockText(p, reader)).join('\n')}`)
    .join('\n')}${footerText(links, locale)}`;
  return { subject, html: shell(subject, body, locale), text, ...sender(posts) };
}
