import type { PublicLook } from '../../schools/look/look';
import { distinctTitle, type EntryMedia, type EntryOutput, type FeedEntry, largestOutput } from '../entry';
import { type ChannelView, entryLink } from '../view';
import { captionHtml, publicTagHref } from './media-html';

/**
 * The shapes this file writes, for readers of the feed to import as types (the widget, web/embed/feed.ts):
 * what is written is checked against them (`satisfies`), so a reader cannot drift from the writer.
 */
export interface FeedOutput {
  role: EntryOutput['role'];
  url: string;
  mime_type: string;
  width?: number;
  height?: number;
  size_in_bytes: number;
}

/** One media item in an item's `_corridor` extension: every rendition, for readers that build a `srcset`. */
export interface FeedMedia {
  kind: EntryMedia['kind'];
  alt: string;
  width?: number;
  height?: number;
  /** ThumbHash, base64. */
  placeholder?: string;
  dominant_color?: string;
  duration_in_seconds?: number;
  outputs: FeedOutput[];
}

export interface FeedItem {
  id: string;
  url: string;
  title?: string;
  content_text: string;
  content_html: string;
  date_published: string;
  date_modified: string;
  tags?: string[];
  image?: string;
  attachments: { url: string; mime_type: string; size_in_bytes: number; title?: string; duration_in_seconds?: number }[];
  _corridor: { about: string; post_id: string; media: FeedMedia[] };
}

export interface JsonFeed {
  version: string;
  title: string;
  description: string;
  home_page_url: string;
  feed_url: string;
  next_url?: string;
  icon?: string;
  favicon?: string;
  authors: { name: string; url: string; avatar?: string }[];
  language: string;
  expired?: boolean;
  items: FeedItem[];
  _corridor: { about: string; private?: true; look?: PublicLook };
  _rfc5005: { about: string; archive: boolean; current: string; prev_archive?: string };
}

/** Where the `_corridor` extension is described (JSON Feed asks extensions for an `about` URL). */
export const extensionAbout = (publicUrl: string) => `${publicUrl}/api/feeds/extension`;

/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Each photo is an attachment of its largest
 * JPEG; every width is listed under the `_corridor` extension for widgets that build a `srcset`.
 * Archive links follow RFC 5005 in the `_rfc5005` extension (JSON Feed has no paging of its own
 * besides `next_url`, which points to older items, as prev-archive does).
 */
export function renderJsonFeed(view: ChannelView, entries: FeedEntry[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: view.title,
    description: view.description,
    home_page_url: view.self.pageUrl,
    feed_url: view.self.jsonFeedUrl,
    // The next page of older items: the archive just before this document's posts, never the same ones.
    ...(view.prevArchive ? { next_url: view.prevArchive.jsonFeedUrl } : {}),
    ...(view.publisher.artwork ? { icon: view.publisher.artwork.icon.url, favicon: view.publisher.artwork.favicon.url } : {}),
    authors: [
      {
        name: view.publisher.name,
        url: view.publisher.url,
        ...(view.publisher.artwork ? { avatar: view.publisher.artwork.icon.url } : {}),
      },
    ],
    language: 'en-GB',
    ...(view.private ? { expired: false } : {}),
    _corridor: {
      about: extensionAbout(view.publicUrl),
      ...(view.private ? { private: true } : {}),
      // The school's look: the widget takes the accent as its default `--corridor-accent`.
      ...(view.publisher.look ? { look: view.publisher.look } : {}),
    },
    _rfc5005: {
      about: 'https://www.rfc-editor.org/rfc/rfc5005',
      archive: view.isArchive,
      current: view.current.jsonFeedUrl,
      ...(view.prevArchive ? { prev_archive: view.prevArchive.jsonFeedUrl } : {}),
    },
    items: entries.map((entry) => {
      const link = entryLink(view, entry);
      const firstImage = entry.media
        .map((m) => largestOutput(m, m.kind === 'image' ? 'image' : 'poster', 'image/jpeg'))
        .find(Boolean);
      const title = distinctTitle(entry);
      return {
        id: link.id,
        url: link.href,
        ...(title ? { title } : {}),
        content_text: entry.caption,
        content_html: captionHtml(entry.caption, publicTagHref(view.publicUrl, entry)).value,
        date_published: entry.publishedAt,
        date_modified: entry.updatedAt,
        ...(entry.tags.length > 0 ? { tags: entry.tags } : {}),
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
          about: extensionAbout(view.publicUrl),
          post_id: entry.postId,
          media: entry.media.map((m) => ({
            kind: m.kind,
            alt: m.alt,
            width: m.width,
            height: m.height,
            placeholder: m.placeholder,
            dominant_color: m.dominantColor,
            duration_in_seconds: m.durationSeconds,
            outputs: m.outputs.map(
              (o): FeedOutput => ({
                role: o.role,
                url: o.url,
                mime_type: o.contentType,
                width: o.width,
                height: o.height,
                size_in_bytes: o.bytes,
              }),
            ),
          })),
        },
      } satisfies FeedItem;
    }),
  } satisfies JsonFeed;
  return JSON.stringify(feed, null, 2);
}
