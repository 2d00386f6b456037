import { siteKeys, sitePath } from '../../aws/keys';
import type { Deps } from '../deps';
import { channelMeta, latestEntries, pageEntries, pageOf } from './channel-index';
import type { Channel } from './channels';
import type { FeedEntry } from './entry';
import { type ChannelPlace, locateChannel } from './locate';
import { renderEmbedPage } from './render/embed-page';
import { renderJsonFeed } from './render/json-feed';
import { renderChannelPage } from './render/pages';
import { renderRss } from './render/rss';
import { artifactTypes, writeArtifact } from './site';
import type { ChannelView, DocumentLinks } from './view';

/** The widget shows at most 20 posts (`data-limit`); its iframe alternative shows 10. */
export const EMBED_FEED_ITEMS = 20;
export const EMBED_PAGE_ITEMS = 10;

/** After this many lost races the render gives up and the job is retried later. */
const MAX_RENDER_ROUNDS = 10;

/** The three files of one channel document under a prefix. */
export function documentKeys(prefix: string) {
  return { page: `${prefix}index.html`, json: `${prefix}feed.json`, rss: `${prefix}rss.xml` };
}

const archivePrefix = (prefix: string, page: number) => `${prefix}archive/${page}/`;

function links(publicUrl: string, prefix: string): DocumentLinks {
  const keys = documentKeys(prefix);
  return {
    pageUrl: `${publicUrl}${sitePath(keys.page)}`,
    jsonFeedUrl: `${publicUrl}${sitePath(keys.json)}`,
    rssUrl: `${publicUrl}${sitePath(keys.rss)}`,
  };
}

/**
 * Renders a channel's current document and the given archive pages from its index. It reads the
 * channel's revision before and after writing: if the index changed meanwhile, a concurrent render may
 * have written an older index after ours, so it renders again — the last writer always wrote the
 * newest index. Returns the URL paths it wrote.
 */
export async function renderChannel(deps: Deps, channel: Channel, archivePages: number[] = []): Promise<string[]> {
  const place = await locateChannel(deps, channel);
  for (let round = 0; round < MAX_RENDER_ROUNDS; round++) {
    const before = await channelMeta(deps, channel.id);
    const paths = await writeDocuments(deps, channel, place, before.count, archivePages);
    if ((await channelMeta(deps, channel.id)).revision === before.revision) return paths;
  }
  throw new Error(`channel ${channel.id} kept changing while rendering; will retry`);
}

async function writeDocuments(
  deps: Deps,
  channel: Channel,
  place: ChannelPlace,
  count: number,
  archivePages: number[],
): Promise<string[]> {
  const { publicUrl } = deps.config;
  const newestPage = count > 0 ? pageOf(count - 1) : -1;
  const base = {
    publicUrl,
    title: place.title,
    description: place.description,
    timezone: place.timezone,
    private: place.private,
    back: place.back,
  };
  const current = links(publicUrl, place.prefix);
  const pageLinks = (page: number) => links(publicUrl, archivePrefix(place.prefix, page));
  const documents: { prefix: string; view: ChannelView; entries: FeedEntry[] }[] = [];
  const latest = await latestEntries(deps, channel.id);
  documents.push({
    prefix: place.prefix,
    entries: latest,
    view: { ...base, self: current, current, isArchive: false, prevArchive: newestPage >= 0 ? pageLinks(newestPage) : undefined },
  });
  for (const page of new Set(archivePages.filter((p) => p >= 0 && p <= newestPage))) {
    documents.push({
      prefix: archivePrefix(place.prefix, page),
      entries: await pageEntries(deps, channel.id, page),
      view: {
        ...base,
        self: pageLinks(page),
        current,
        isArchive: true,
        prevArchive: page > 0 ? pageLinks(page - 1) : undefined,
        nextArchive: page < newestPage ? pageLinks(page + 1) : undefined,
      },
    });
  }
  const written: string[] = [];
  for (const { prefix, view, entries } of documents) {
    const withDate = {
      ...view,
      updatedAt: entries
        .map((e) => e.updatedAt)
        .sort()
        .at(-1),
    };
    const keys = documentKeys(prefix);
    await Promise.all([
      writeArtifact(deps, keys.json, renderJsonFeed(withDate, entries), artifactTypes.json),
      writeArtifact(deps, keys.rss, renderRss(withDate, entries), artifactTypes.rss),
      writeArtifact(deps, keys.page, renderChannelPage(withDate, entries), artifactTypes.html),
    ]);
    written.push(...Object.values(keys).map(sitePath));
    if (channel.kind === 'public' && !view.isArchive)
      written.push(...(await writeEmbed(deps, channel.schoolId, withDate, entries)));
  }
  return written;
}

/**
 * The school website widget's files, from the school's public channel only — so a post for families
 * can never reach a website. The feed is the public JSON Feed cut to what the widget can show.
 */
async function writeEmbed(deps: Deps, schoolId: string, view: ChannelView, entries: FeedEntry[]): Promise<string[]> {
  const feed = siteKeys.embedFeed(schoolId);
  const page = siteKeys.embedPage(schoolId);
  await Promise.all([
    writeArtifact(deps, feed, renderJsonFeed(view, entries.slice(0, EMBED_FEED_ITEMS)), artifactTypes.json),
    writeArtifact(deps, page, renderEmbedPage(view, entries.slice(0, EMBED_PAGE_ITEMS)), artifactTypes.html),
  ]);
  return [sitePath(feed), sitePath(page)];
}
