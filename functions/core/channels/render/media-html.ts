import { captionPieces } from '../../posts/caption';
import { type EntryMedia, type FeedEntry, largestOutput } from '../entry';
import { type Html, html } from '../html';

/** Where a post's #tag links: its school's public tag page, for public posts only. */
export type TagHref = (tag: string) => string | undefined;

export const publicTagHref =
  (publicUrl: string, entry: Pick<FeedEntry, 'schoolId' | 'url'>): TagHref =>
  (tag) =>
    entry.url ? `${publicUrl}/s/${entry.schoolId}/t/${encodeURIComponent(tag)}` : undefined;

/**
 * A caption as HTML: line breaks kept, http(s) links clickable (`rel="nofollow ugc noopener"`), #tags
 * linked to their feed. Every piece of text is escaped; no other markup can come from a caption.
 */
export function captionHtml(caption: string, tagHref: TagHref = () => undefined): Html {
  const pieces = captionPieces(caption).map((piece) => {
    switch (piece.kind) {
      case 'text':
        return html`${piece.text}`;
      case 'link':
        return html`<a href="${piece.href}" rel="nofollow ugc noopener">${piece.text}</a>`;
      case 'tag': {
        const href = tagHref(piece.tag);
        return href ? html`<a href="${href}" class="tag">${piece.text}</a>` : html`${piece.text}`;
      }
      default:
        return piece satisfies never;
    }
  });
  return html`<p class="caption">${pieces}</p>`;
}

const srcset = (media: EntryMedia, contentType: string) =>
  media.outputs
    .filter((o) => o.role === 'image' && o.contentType === contentType && o.width)
    .map((o) => `${o.url} ${o.width}w`)
    .join(', ');

/** A responsive picture: WebP with a JPEG fallback, sized so the page never jumps while it loads. */
export function pictureHtml(media: EntryMedia, options: { eager?: boolean } = {}): Html {
  const fallback = largestOutput(media, 'image', 'image/jpeg');
  if (!fallback) return html``;
  const sizes = '(max-width: 720px) 100vw, 720px';
  return html`<picture>
<source type="image/webp" srcset="${srcset(media, 'image/webp')}" sizes="${sizes}">
<img src="${fallback.url}" srcset="${srcset(media, 'image/jpeg')}" sizes="${sizes}" alt="${media.alt}"
 width="${media.width ?? fallback.width ?? ''}" height="${media.height ?? fallback.height ?? ''}"
 loading="${options.eager ? 'eager' : 'lazy'}" decoding="async" style="background:${media.dominantColor ?? '#ddd'}">
</picture>`;
}

/** Renders one media item of any kind. */
export function mediaHtml(media: EntryMedia, options: { eager?: boolean } = {}): Html {
  switch (media.kind) {
    case 'image':
      return pictureHtml(media, options);
    case 'video': {
      const video = largestOutput(media, 'video');
      const poster = largestOutput(media, 'poster', 'image/jpeg');
      const captions = largestOutput(media, 'captions');
      if (!video) return html``;
      return html`<video controls playsinline preload="metadata" src="${video.url}" poster="${poster?.url}"
 width="${video.width}" height="${video.height}" aria-label="${media.alt || 'Video'}">${
   captions ? html`<track kind="captions" src="${captions.url}" srclang="en" label="English" default>` : ''
 }</video>`;
    }
    case 'audio': {
      const audio = largestOutput(media, 'audio');
      if (!audio) return html``;
      return html`<audio controls preload="metadata" src="${audio.url}" aria-label="${media.alt || 'Sound recording'}"></audio>`;
    }
  }
}

/** A gallery of a post's media, in the order the poster gave. */
export function galleryHtml(media: EntryMedia[], options: { eager?: boolean } = {}): Html {
  if (media.length <= 1) return html`${media.map((m) => mediaHtml(m, options))}`;
  return html`<ul class="gallery" aria-label="${media.length} items">${media.map((m, i) => html`<li>${mediaHtml(m, { eager: options.eager && i === 0 })}</li>`)}</ul>`;
}
