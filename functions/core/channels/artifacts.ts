import { siteKeys, sitePath } from '../../aws/keys';
import { publicLook } from '../schools/look/look';
import type { School } from '../schools/school';
import { newestArchiveLinked } from './channel-index-store';
import type { FeedEntry } from './entry';
import { type EntryTranslations, NO_TRANSLATIONS } from './entry-translations';
import type { ChannelPlace } from './locate';
import { renderEmbedPage } from './render/embed-page';
import { renderJsonFeed } from './render/json-feed';
import { pageLook } from './render/page-look';
import { renderChannelPage, renderPostPage } from './render/pages';
import { renderRss } from './render/rss';
import { localisedKey, pageLocales } from './render/site-chrome';
import { widgetWords } from './render/widget-chrome';
import type { ChannelView, DocumentLinks } from './view';

/**
 * The files of the public site as pure functions of what they show. The fan-out renders the few a
 * change touches; a rebuild (see rebuild.ts) renders them all from the table — with the same code, so
 * the two can be compared byte for byte.
 */

/** The widget shows at most 20 posts (`data-limit`); its iframe alternative shows 10. */
export const EMBED_FEED_ITEMS = 20;
export const EMBED_PAGE_ITEMS = 10;

/** One rendered file for the site bucket. */
export interface Artifact {
  key: string;
  body: string;
  contentType: string;
}

/** The content type of each kind of file (site-store.ts writes the file with it). */
export const artifactTypes = {
  html: 'text/html; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
} as const;

/** A channel's current document, or one of its archive pages (RFC 5005). */
export type DocumentSlot = 'current' | number;

/** The three files of one channel document under a prefix. */
export function documentKeys(prefix: string) {
  return { page: `${prefix}index.html`, json: `${prefix}feed.json`, rss: `${prefix}rss.xml` };
}

const slotPrefix = (prefix: string, slot: DocumentSlot) => (slot === 'current' ? prefix : `${prefix}archive/${slot}/`);

function links(publicUrl: string, prefix: string): DocumentLinks {
  const keys = documentKeys(prefix);
  return {
    pageUrl: `${publicUrl}${sitePath(keys.page)}`,
    jsonFeedUrl: `${publicUrl}${sitePath(keys.json)}`,
    rssUrl: `${publicUrl}${sitePath(keys.rss)}`,
  };
}

/** What every document of a channel shares. */
export interface ChannelLayout {
  publicUrl: string;
  place: ChannelPlace;
  /** The newest page, still filling (-1 when the channel never had an entry). */
  newestPage: number;
}

/** The page, JSON Feed and RSS of one document of a channel, holding `entries` (newest first). */
export function channelDocument(
  layout: ChannelLayout,
  slot: DocumentSlot,
  entries: FeedEntry[],
  translations: EntryTranslations = NO_TRANSLATIONS,
): Artifact[] {
  const { publicUrl, place, newestPage } = layout;
  const archive = (page: number) => links(publicUrl, slotPrefix(place.prefix, page));
  const current = links(publicUrl, place.prefix);
  const previous = newestArchiveLinked(newestPage);
  const view = {
    publicUrl,
    title: place.title,
    description: place.description,
    timezone: place.timezone,
    private: place.private,
    publisher: place.publisher,
    back: place.back,
    current,
    // No next-archive link: the next page is not an archive yet when a page is first written, and a link
    // added later would change an archive document's bytes (RFC 5005 archives are stable).
    ...(slot === 'current'
      ? { self: current, isArchive: false, prevArchive: previous >= 0 ? archive(previous) : undefined }
      : { self: archive(slot), isArchive: true, prevArchive: slot > 0 ? archive(slot - 1) : undefined }),
    // The newest entry change, not the render time: rendering the same index twice gives the same bytes.
    updatedAt: entries
      .map((e) => e.updatedAt)
      .sort()
      .at(-1),
  };
  const keys = documentKeys(slotPrefix(place.prefix, slot));
  return [
    { key: keys.json, body: renderJsonFeed(view, entries), contentType: artifactTypes.json },
    { key: keys.rss, body: renderRss(view, entries), contentType: artifactTypes.rss },
    ...pageLocales.map((locale) => ({
      key: localisedKey(keys.page, locale),
      body: renderChannelPage(view, entries, locale, translations),
      contentType: artifactTypes.html,
    })),
    ...(slot === 'current' && place.embedFor ? embedArtifacts(place.embedFor, view, entries, translations) : []),
  ];
}

/**
 * The school website widget's files, made from the school's public channel only — so a post for
 * families can never reach a website. The feed is the public JSON Feed cut to what the widget shows.
 */
function embedArtifacts(schoolId: string, view: ChannelView, entries: FeedEntry[], translations: EntryTranslations): Artifact[] {
  return [
    {
      key: siteKeys.embedFeed(schoolId),
      body: withWidgetWords(renderJsonFeed(view, entries.slice(0, EMBED_FEED_ITEMS)), view.timezone),
      contentType: artifactTypes.json,
    },
    ...pageLocales.map((locale) => ({
      key: localisedKey(siteKeys.embedPage(schoolId), locale),
      body: renderEmbedPage(view, entries.slice(0, EMBED_PAGE_ITEMS), locale, translations),
      contentType: artifactTypes.html,
    })),
  ];
}

/** The keys of a public post's own page, one per language. */
export const postPageKeys = (postId: string) => pageLocales.map((locale) => localisedKey(siteKeys.postPage(postId), locale));

/** The widget's feed also carries its words in every language and the school's time zone for dates. */
function withWidgetWords(feed: string, timezone: string): string {
  const parsed = JSON.parse(feed) as { _corridor?: Record<string, unknown> };
  parsed._corridor = { ...parsed._corridor, widget: { timezone, languages: widgetWords() } };
  return JSON.stringify(parsed, null, 2);
}

/** A public post's own page, in every language (with the caption's translation into it, when there is one). */
export function postPage(
  publicUrl: string,
  school: School,
  entry: FeedEntry,
  translations: EntryTranslations = NO_TRANSLATIONS,
): Artifact[] {
  const artwork = school.artwork?.image;
  const favicon = school.artwork?.favicon;
  const view = {
    schoolName: school.name,
    schoolUrl: `${publicUrl}/s/${school.id}`,
    timezone: school.timezone,
    publicUrl,
    ...(artwork ? { artwork: { ...artwork, url: `${publicUrl}/${artwork.key}` } } : {}),
    look: pageLook(
      { look: publicLook(school, publicUrl), ...(favicon ? { favicon: `${publicUrl}/${favicon.key}` } : {}) },
      'logo',
    ),
  };
  return pageLocales.map((locale) => ({
    key: localisedKey(siteKeys.postPage(entry.postId), locale),
    body: renderPostPage(view, entry, locale, translations.get(entry.postId)?.[locale]),
    contentType: artifactTypes.html,
  }));
}
