import { CAPTION_LOCALE, type Locale } from '../../i18n/locales';
import { t } from '../../i18n/messages';
import { captionPieces } from '../../posts/caption';
import { type Html, html, raw } from '../../security/html';
import { type EntryMedia, type FeedEntry, largestOutput } from '../entry';

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
export function captionHtml(
  caption: string,
  tagHref: TagHref = () => undefined,
  options: { locale?: Locale; textLocale?: Locale; element?: 'p' | 'h1' | 'h2' } = {},
): Html {
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
  const element = options.element ?? 'p';
  // Staff write in English (CAPTION_LOCALE): inside a page in another language the caption says so, and
  // `dir="auto"` lets an English caption run left to right inside an Urdu page. A translation into the
  // page's language (textLocale) is the page's own text.
  const textLang = options.textLocale ?? CAPTION_LOCALE;
  const lang = options.locale && options.locale !== textLang ? html` lang="${textLang}" dir="auto"` : '';
  return html`${raw(`<${element}`)} class="caption"${lang}>${pieces}${raw(`</${element}>`)}`;
}

const srcset = (media: EntryMedia, contentType: string) =>
  media.outputs
    .filter((o) => o.role === 'image' && o.contentType === contentType && o.width)
    .map((o) => `${o.url} ${o.width}w`)
    .join(', ');

/**
 * What `sizes` tells the browser about each place a picture sits, so it downloads the variant the layout
 * really draws (layout.ts: content is at most 720 px wide with 16 px padding; the gallery is two columns
 * with an 8 px gap; the widget's cards are at least 220 px with 16 px gaps inside 8 px padding).
 */
export const imageSizes = {
  full: '(max-width: 720px) calc(100vw - 32px), 688px',
  half: '(max-width: 720px) calc(50vw - 20px), 340px',
  card: '(max-width: 471px) calc(100vw - 16px), (max-width: 707px) calc(50vw - 16px), (max-width: 943px) calc(33vw - 16px), 25vw',
} as const;
export type ImageSize = keyof typeof imageSizes;

/** The fallback every browser reads; every other format is offered before it in a `<source>`. */
const FALLBACK_TYPE = 'image/jpeg';
/** Smaller formats first: a browser takes the first `<source>` whose type it can decode. */
const PREFERRED_TYPES = ['image/avif', 'image/jxl', 'image/webp'];
const preference = (type: string) => {
  const index = PREFERRED_TYPES.indexOf(type);
  return index === -1 ? PREFERRED_TYPES.length : index;
};

/** Each image format the media's variants carry besides the fallback, best first (rendered from the list, not a fixed pair). */
export function sourceTypes(media: EntryMedia): string[] {
  const types = new Set(
    media.outputs.filter((o) => o.role === 'image' && o.width && o.contentType !== FALLBACK_TYPE).map((o) => o.contentType),
  );
  return [...types].sort((a, b) => preference(a) - preference(b) || a.localeCompare(b));
}

export interface MediaOptions {
  eager?: boolean;
  /** Where the picture sits in the layout (default: the full content width). */
  size?: ImageSize;
  /** The page's language: player labels in it, and media described in the caption language marked as such. */
  locale?: Locale;
  /** The language the alt texts are in: the captions' (default), or the page's when they are a translation. */
  textLocale?: Locale;
}

/** `lang` for text written by staff (alt texts, captions) inside a page in another language. */
const staffTextLang = (options: MediaOptions) => {
  const text = options.textLocale ?? CAPTION_LOCALE;
  return text === (options.locale ?? CAPTION_LOCALE) ? undefined : text;
};

/** A responsive picture: one `<source>` per format, a JPEG `<img>`, sized so the page never jumps while it loads. */
export function pictureHtml(media: EntryMedia, options: MediaOptions = {}): Html {
  const fallback = largestOutput(media, 'image', FALLBACK_TYPE);
  if (!fallback) return html``;
  const sizes = imageSizes[options.size ?? 'full'];
  const lang = staffTextLang(options);
  return html`<picture>
${sourceTypes(media).map((type) => html`<source type="${type}" srcset="${srcset(media, type)}" sizes="${sizes}">\n`)}<img src="${fallback.url}" srcset="${srcset(media, FALLBACK_TYPE)}" sizes="${sizes}" alt="${media.alt}"${lang ? html` lang="${lang}"` : ''}
 width="${media.width ?? fallback.width ?? ''}" height="${media.height ?? fallback.height ?? ''}"
 loading="${options.eager ? 'eager' : 'lazy'}"${options.eager ? html` fetchpriority="high"` : ''} decoding="async" style="background:${media.dominantColor ?? '#ddd'}">
</picture>`;
}

/** The name of the captions' language, in the page's language ("English", "angielski", "انگریزی"). */
const languageName = (locale: Locale, of: Locale) =>
  new Intl.DisplayNames([locale], { type: 'language' }).of(of.split('-')[0] ?? of) ?? of;

/** A player's accessible name: the poster's description (in the caption language), else the kind in the page's language. */
const playerLabel = (media: EntryMedia, options: MediaOptions, kind: 'site.video' | 'site.recording') => {
  const lang = staffTextLang(options);
  return media.alt
    ? html`aria-label="${media.alt}"${lang ? html` lang="${lang}"` : ''}`
    : html`aria-label="${t(options.locale ?? CAPTION_LOCALE, kind)}"`;
};

/** Renders one media item of any kind. */
export function mediaHtml(media: EntryMedia, options: MediaOptions = {}): Html {
  const locale = options.locale ?? CAPTION_LOCALE;
  switch (media.kind) {
    case 'image':
      return pictureHtml(media, options);
    case 'video': {
      const video = largestOutput(media, 'video');
      const poster = largestOutput(media, 'poster', 'image/jpeg');
      const captions = largestOutput(media, 'captions');
      if (!video) return html``;
      return html`<video controls playsinline preload="${poster ? 'none' : 'metadata'}" src="${video.url}" poster="${poster?.url}"
 width="${video.width}" height="${video.height}" ${playerLabel(media, options, 'site.video')}>${
   captions
     ? html`<track kind="captions" src="${captions.url}" srclang="en" label="${languageName(locale, CAPTION_LOCALE)}" default>`
     : ''
 }</video>`;
    }
    case 'audio': {
      const audio = largestOutput(media, 'audio');
      if (!audio) return html``;
      return html`<audio controls preload="metadata" src="${audio.url}" ${playerLabel(media, options, 'site.recording')}></audio>`;
    }
  }
}

/** The id a post's n-th media item has on its post page, so a thumbnail can open it there, large. */
export const mediaAnchor = (index: number) => `m${index + 1}`;

export interface GalleryOptions extends MediaOptions {
  /**
   * The post's own page: thumbnails link to it, anchored at the item, where every item is shown at the
   * full width (a large view that needs no JavaScript). Without one (private posts have no page), the
   * items are shown full width in place.
   */
  largeViewUrl?: string;
}

/**
 * A post's media, in the order the poster gave: one item at full width; several as a two-column gallery
 * of thumbnails that open large on the post page; stacked at full width where there is no post page to
 * open (or on the post page itself, which is the large view).
 */
export function galleryHtml(media: EntryMedia[], options: GalleryOptions = {}): Html {
  const locale = options.locale ?? CAPTION_LOCALE;
  if (media.length <= 1) return html`${media.map((m) => mediaHtml(m, options))}`;
  const label = t(locale, 'site.items', { count: media.length });
  const { largeViewUrl } = options;
  if (!largeViewUrl) {
    return html`<ul class="gallery-large" aria-label="${label}">${media.map(
      // The first two share a phone's first screen (a portrait photo under a landscape one): neither waits.
      (m, i) => html`<li id="${mediaAnchor(i)}">${mediaHtml(m, { ...options, eager: options.eager && i < 2 })}</li>`,
    )}</ul>`;
  }
  return html`<ul class="gallery" aria-label="${label}">${media.map((m, i) => {
    const item = mediaHtml(m, { ...options, size: 'half', eager: options.eager && i < 2 });
    // Photos open large; a player stays a player (its own controls go full screen).
    return html`<li>${m.kind === 'image' ? html`<a href="${largeViewUrl}#${mediaAnchor(i)}">${item}</a>` : item}</li>`;
  })}</ul>`;
}
