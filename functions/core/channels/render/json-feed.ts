import type { School } from '../../schools/school';
import { entryTitle, type FeedEntry, largestOutput } from '../entry';
import { captionHtml } from './media-html';

/** The feed's own links, so readers can find the site and refresh the feed. */
export interface FeedLinks {
  homePageUrl: string;
  feedUrl: string;
}

/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Each photo is an attachment of its largest
 * JPEG; every width is listed under the `_corridor` extension for widgets that build a `srcset`.
 */
export function renderJsonFeed(school: School, links: FeedLinks, entries: FeedEntry[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: school.name,
    home_page_url: links.homePageUrl,
    feed_url: links.feedUrl,
    language: 'en-GB',
    items: entries.map((entry) => {
      const firstImage = entry.media
        .map((m) => largestOutput(m, m.kind === 'image' ? 'image' : 'poster', 'image/jpeg'))
        .find(Boolean);
      return {
        id: entry.url,
        url: entry.url,
        title: entryTitle(entry),
        content_text: entry.caption,
        content_html: captionHtml(entry.caption).value,
        date_published: entry.publishedAt,
        date_modified: entry.updatedAt,
        ...(firstImage ? { image: firstImage.url } : {}),
        attachments: entry.media.flatMap((m) => {
          const main = largestOutput(m, m.kind === 'image' ? 'image' : m.kind, m.kind === 'image' ? 'image/jpeg' : undefined);
          if (!main) return [];
          return [
            {
              url: main.url,
              mime_type: main.contentType,
              size_in_bytes: main.bytes,
              ...(m.alt ? { title: m.alt } : {}),
              ...(m.durationSeconds !== undefined ? { duration_in_seconds: Math.round(m.durationSeconds) } : {}),
            },
          ];
        }),
        _corridor: {
          media: entry.media.map((m) => ({
            kind: m.kind,
            alt: m.alt,
            width: m.width,
            height: m.height,
            placeholder: m.placeholder,
            dominant_color: m.dominantColor,
            duration_in_seconds: m.durationSeconds,
            outputs: m.outputs.map((o) => ({
              role: o.role,
              url: o.url,
              mime_type: o.contentType,
              width: o.width,
              height: o.height,
              size_in_bytes: o.bytes,
            })),
          })),
        },
      };
    }),
  };
  return JSON.stringify(feed, null, 2);
}
