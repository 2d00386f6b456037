/**
 * The parts of the school's JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) the widget reads,
 * including the `_corridor` extension that lists every rendition of each media item.
 */

export interface FeedOutput {
  role: 'image' | 'poster' | 'video' | 'audio' | string;
  url: string;
  mime_type: string;
  width?: number;
  height?: number;
}

export interface FeedMedia {
  kind: 'image' | 'video' | 'audio';
  alt: string;
  width?: number;
  height?: number;
  /** ThumbHash, base64. */
  placeholder?: string;
  dominant_color?: string;
  outputs: FeedOutput[];
}

export interface FeedItem {
  id: string;
  url: string;
  content_text?: string;
  date_published: string;
  _corridor?: { media: FeedMedia[] };
}

/** The widget's words in one language: the type core writes into the feed (a type import, erased from the bundle). */
import type { WidgetWords } from '../../functions/core/channels/render/widget-chrome';

export type { WidgetWords };

export interface JsonFeed {
  title: string;
  home_page_url?: string;
  items?: FeedItem[];
  /** The widget's words and time zone; the school's look (its accent becomes the default `--corridor-accent`). */
  _corridor?: { widget?: { timezone?: string; languages?: Record<string, WidgetWords> }; look?: { accent?: string } };
}

/**
 * The visitor's language among those the feed has words for: the first of the browser's languages that
 * matches exactly, else by language alone (`pt-BR` → `pt`), else English — as the pages choose.
 */
export function pickLanguage(wanted: readonly string[], available: string[]): string {
  for (const tag of wanted) {
    const lower = tag.toLowerCase();
    const exact = available.find((a) => a.toLowerCase() === lower);
    if (exact) return exact;
    const [language, script] = lower.split('-');
    if (language === 'pa' && script === 'arab') continue;
    const byLanguage = available.find((a) => a.split('-')[0]?.toLowerCase() === language);
    if (byLanguage) return byLanguage;
  }
  return 'en-GB';
}

/** The school's accent, when the feed carries a well-formed one (it goes into a CSS value). */
export function schoolAccent(feed: JsonFeed): string | undefined {
  const accent = feed._corridor?.look?.accent;
  return typeof accent === 'string' && /^#[0-9a-fA-F]{6}$/.test(accent) ? accent : undefined;
}

const widest = (outputs: FeedOutput[]) =>
  outputs.reduce<FeedOutput | undefined>((a, b) => (!a || (b.width ?? 0) > (a.width ?? 0) ? b : a), undefined);

/** The renditions a player or picture needs: the largest JPEG (fallback `src`), poster, video, audio. */
export function pickOutputs(media: FeedMedia) {
  const by = (role: string, type?: string) =>
    widest(media.outputs.filter((o) => o.role === role && (!type || o.mime_type === type)));
  return {
    jpeg: by('image', 'image/jpeg'),
    poster: by('poster', 'image/jpeg') ?? by('poster'),
    video: by('video'),
    audio: by('audio'),
  };
}

/** `url 320w, url 640w, …` for one image type; only http(s) URLs pass (a feed must not inject `javascript:`). */
export function srcset(media: FeedMedia, type: string): string {
  return media.outputs
    .filter((o) => o.role === 'image' && o.mime_type === type && o.width && /^https?:\/\//.test(o.url))
    .map((o) => `${o.url} ${o.width}w`)
    .join(', ');
}
