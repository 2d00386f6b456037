import { entryTitle, type FeedEntry, largestOutput } from '../entry';
import { html } from '../html';
import type { ArtworkFile } from '../locate';
import { type ChannelView, entryLink } from '../view';
import { displayDate, page } from './layout';
import { captionHtml, galleryHtml, publicTagHref } from './media-html';
import { type PageLook, publisherLook } from './page-look';

const entryArticle = (view: ChannelView, entry: FeedEntry, index: number) => {
  const link = entryLink(view, entry);
  return html`<article id="post-${entry.postId}">
<time datetime="${entry.publishedAt}">${displayDate(entry.publishedAt, view.timezone)}</time>
${captionHtml(entry.caption, publicTagHref(view.publicUrl, entry))}
${galleryHtml(entry.media, { eager: index === 0 })}
${entry.url ? html`<a class="permalink" href="${link.href}">Open this post<span class="visually-hidden"> from ${displayDate(entry.publishedAt, view.timezone)}</span></a>` : ''}
</article>`;
};

/** A channel's page: the school page, a tag page, a regional wall, a family feed or an archive page. */
export function renderChannelPage(view: ChannelView, entries: FeedEntry[]): string {
  return page({
    title: view.title,
    look: publisherLook(view.publisher, 'welcome'),
    head: html`<link rel="alternate" type="application/rss+xml" title="${view.title}" href="${view.self.rssUrl}">
<link rel="alternate" type="application/feed+json" title="${view.title}" href="${view.self.jsonFeedUrl}">
${view.private ? html`<meta name="robots" content="noindex, nofollow">` : ''}`,
    body: html`<header>${view.back ? html`<nav><a href="${view.back.url}">← ${view.back.label}</a></nav>` : ''}<h1>${view.title}</h1>
<nav aria-label="Feeds"><a href="${view.self.rssUrl}">RSS feed</a> · <a href="${view.self.jsonFeedUrl}">JSON feed</a></nav></header>
<main>
${entries.length === 0 ? html`<p>No posts yet.</p>` : entries.map((entry, i) => entryArticle(view, entry, i))}
</main>
<footer><nav aria-label="Older and newer posts">${[
      view.prevArchive ? html`<a href="${view.prevArchive.pageUrl}" rel="prev">Older posts</a>` : undefined,
      view.isArchive ? html`<a href="${view.current.pageUrl}">Newest posts</a>` : undefined,
    ]
      .filter((link) => link !== undefined)
      .map((link, i) => (i === 0 ? link : html` · ${link}`))}</nav><p>Posted with Corridor.</p></footer>`,
  });
}

/** What a post page's link preview shows: its picture, a video's poster, or the school's artwork. */
function previewImage(entry: FeedEntry, artwork: ArtworkFile | undefined) {
  for (const m of entry.media) {
    const image = largestOutput(m, m.kind === 'image' ? 'image' : 'poster', 'image/jpeg');
    if (image) return { ...image, alt: m.alt, large: true };
  }
  return artwork && { ...artwork, alt: '', large: false };
}

/** Open Graph (https://ogp.me) and Twitter card tags: every post has a title, type, image and URL. */
function openGraph(view: PostPageView, entry: FeedEntry, title: string) {
  const image = previewImage(entry, view.artwork);
  const video = entry.media.find((m) => m.kind === 'video');
  const videoFile = video && largestOutput(video, 'video');
  const audio = entry.media.find((m) => m.kind === 'audio');
  const audioFile = audio && largestOutput(audio, 'audio');
  const secure = (url: string) => (url.startsWith('https:') ? html`<meta property="og:video:secure_url" content="${url}">` : '');
  return html`<meta property="og:type" content="${videoFile ? 'video.other' : 'article'}">
<meta property="og:site_name" content="${view.schoolName}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${entry.caption.slice(0, 300)}">
<meta property="og:url" content="${entry.url}">
${
  image
    ? html`<meta property="og:image" content="${image.url}">
<meta property="og:image:type" content="${image.contentType}">
<meta property="og:image:width" content="${image.width}">
<meta property="og:image:height" content="${image.height}">
${image.alt ? html`<meta property="og:image:alt" content="${image.alt}">` : ''}`
    : ''
}
${
  videoFile
    ? html`<meta property="og:video" content="${videoFile.url}">
${secure(videoFile.url)}<meta property="og:video:type" content="${videoFile.contentType}">
<meta property="og:video:width" content="${videoFile.width}">
<meta property="og:video:height" content="${videoFile.height}">`
    : ''
}
${
  audioFile
    ? html`<meta property="og:audio" content="${audioFile.url}">
<meta property="og:audio:type" content="${audioFile.contentType}">`
    : ''
}
<meta name="twitter:card" content="${image?.large ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${title}">
${image ? html`<meta name="twitter:image" content="${image.url}">` : ''}
<meta property="article:published_time" content="${entry.publishedAt}">`;
}

export interface PostPageView {
  schoolName: string;
  schoolUrl: string;
  timezone: string;
  publicUrl: string;
  /** The school's artwork: the preview of posts without a picture (a recording, say). */
  artwork?: ArtworkFile;
  /** The school's look (accent, logo band, favicon). */
  look?: PageLook;
}

/** One public post's page, with Open Graph and Twitter card tags for link previews. */
export function renderPostPage(view: PostPageView, entry: FeedEntry): string {
  const title = entryTitle(entry);
  return page({
    title: `${title} — ${view.schoolName}`,
    look: view.look,
    head: html`<link rel="canonical" href="${entry.url}">
<link rel="alternate" type="application/json+oembed" href="${view.publicUrl}/api/oembed?url=${encodeURIComponent(entry.url ?? '')}&amp;format=json" title="${title}">
${openGraph(view, entry, title)}`,
    body: html`<header><nav><a href="${view.schoolUrl}">← ${view.schoolName}</a></nav></header>
<main><article>
<h1>${title}</h1>
<time datetime="${entry.publishedAt}">${displayDate(entry.publishedAt, view.timezone)}</time>
${captionHtml(entry.caption, publicTagHref(view.publicUrl, entry))}
${galleryHtml(entry.media, { eager: true })}
</article></main>`,
  });
}
