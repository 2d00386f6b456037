import type { Publisher } from './locate';

/** Links to one document of a channel (its page and its two feeds). */
export interface DocumentLinks {
  pageUrl: string;
  jsonFeedUrl: string;
  rssUrl: string;
}

/**
 * Everything a renderer needs to know about the channel document it renders, besides its entries.
 * Archive pages follow RFC 5005 §4 (https://www.rfc-editor.org/rfc/rfc5005#section-4).
 */
export interface ChannelView {
  /** The site's base URL, for links to tag pages. */
  publicUrl: string;
  title: string;
  description: string;
  timezone: string;
  /** Private channels are capability URLs: never indexed, never listed by podcast directories. */
  private: boolean;
  /** Who publishes the channel, and its artwork (podcast tags, JSON Feed authors and icon). */
  publisher: Publisher;
  self: DocumentLinks;
  /** The channel's current (newest) document. */
  current: DocumentLinks;
  /** This document is an archive page (a full page: later publishes never change it; retracts and edits do). */
  isArchive: boolean;
  /** The archive page holding the posts just older than this document's (RFC 5005 prev-archive). */
  prevArchive?: DocumentLinks;
  /** Where "back" goes from this document (the school page from a tag page, say). */
  back?: { url: string; label: string };
  /** Last time an entry changed: feeds report it instead of the render time, so renders are reproducible. */
  updatedAt?: string;
}

/** The link and the stable id of an entry in a channel: public posts have their own page. */
export function entryLink(view: ChannelView, entry: { postId: string; url?: string }) {
  return {
    href: entry.url ?? `${view.self.pageUrl}#post-${entry.postId}`,
    id: entry.url ?? `urn:corridor:post:${entry.postId}`,
  };
}
