import { type EntryMedia, largestOutput } from '../entry';
import { type Html, html } from '../html';

/** Captions keep their line breaks; everything else is literal text. */
export function captionHtml(caption: string): Html {
  return html`<p class="caption">${caption}</p>`;
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
      if (!video) return html``;
      return html`<video controls playsinline preload="metadata" src="${video.url}" poster="${poster?.url}"
 width="${video.width}" height="${video.height}" aria-label="${media.alt || 'Video'}"></video>`;
    }
    case 'audio': {
      const audio = largestOutput(media, 'audio');
      if (!audio) return html``;
      return html`<audio controls preload="metadata" src="${audio.url}" aria-label="${media.alt || 'Sound recording'}"></audio>`;
    }
  }
}
