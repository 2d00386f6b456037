/**
 * The school's JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as the widget reads it: the types the
 * server's renderer writes (functions/core/channels/render/json-feed.ts, checked there with `satisfies`),
 * imported as types and so erased from the bundle — never copied by hand. The widget's own feed
 * (`embed/<school>/feed.json`) also carries its words in every language and the school's time zone.
 */
import type { FeedItem, FeedMedia, FeedOutput, JsonFeed as RenderedFeed } from '../../functions/core/channels/render/json-feed';
import type { WidgetWords } from '../../functions/core/channels/render/widget-chrome';

export type { FeedItem, FeedMedia, FeedOutput, WidgetWords };

/** The widget's feed: the school's, cut to what it shows, with its words (core/channels/artifacts.ts `withWidgetWords`). */
export type JsonFeed = RenderedFeed & {
  _corridor: RenderedFeed['_corridor'] & { widget?: { timezone?: string; languages?: Record<string, WidgetWords> } };
};
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
