import { isPublic } from '../audience';
import { isVisible } from '../posts/lifecycle';
import type { PostWithMedia } from '../posts/store';
import type { School } from '../schools/school';
import type { Trust } from '../schools/trust';
import { type Artifact, channelDocument, postPage } from './artifacts';
import { currentPages, newestFirst, newestPage } from './channel-index-store';
import { channelsForPost, parseChannelId } from './channels';
import { type FeedEntry, toFeedEntry } from './entry';
import { type EntryTranslations, NO_TRANSLATIONS } from './entry-translations';
import { channelPlace } from './locate';

/**
 * Everything the public site is a function of. Only the archive layout is history rather than state:
 * an entry keeps the archive page it was given (RFC 5005 pages are stable), so it is read, not derived.
 */
export interface SiteState {
  publicUrl: string;
  /** See `feedOwnerEmail`. */
  ownerEmail: string;
  feedPageSize: number;
  schools: School[];
  trusts: Trust[];
  posts: PostWithMedia[];
  /** Private channels' capability tokens, by channel id. */
  tokens: Record<string, string>;
  /** Every channel that has documents: its entries ever added, and the archive page of each post in it. */
  channels: { id: string; count: number; pages: Record<string, number> }[];
  /** The stored translations of current texts the pages show, by post (entry-translations.ts); none when absent. */
  translations?: EntryTranslations;
}

/**
 * Renders the whole public site from scratch: every channel document and archive page, and every post
 * page, straight from the posts (never from the channel indexes the fan-out maintains). Pure, and built
 * from the same renderers as the fan-out, so "the site equals a rebuild" is a byte-for-byte check of
 * everything the incremental fan-out did.
 */
export function renderSite(state: SiteState): Artifact[] {
  const schools = new Map(state.schools.map((s) => [s.id, s]));
  const entries = new Map<string, FeedEntry[]>();
  const artifacts: Artifact[] = [];
  const translations = state.translations ?? NO_TRANSLATIONS;
  for (const { post, media } of state.posts) {
    const school = schools.get(post.schoolId);
    if (!isVisible(post.state) || !school) continue;
    const entry = toFeedEntry(state.publicUrl, post, media);
    for (const channel of channelsForPost(post, school)) entries.set(channel.id, [...(entries.get(channel.id) ?? []), entry]);
    if (isPublic(post.audience)) artifacts.push(...postPage(state.publicUrl, school, entry, translations));
  }
  for (const { id, count, pages } of state.channels) {
    const channel = parseChannelId(id);
    if (!channel) throw new Error(`not a channel id: ${id}`);
    const place = channelPlace(channel, {
      publicUrl: state.publicUrl,
      ownerEmail: state.ownerEmail,
      school: channel.kind === 'wall' ? undefined : schools.get(channel.schoolId),
      trust: channel.kind === 'wall' ? state.trusts.find((t) => t.id === channel.trustId) : undefined,
      token: state.tokens[id],
    });
    const layout = { publicUrl: state.publicUrl, place, newestPage: newestPage(count, state.feedPageSize) };
    const inChannel = (entries.get(id) ?? []).sort(newestFirst);
    const current = new Set(currentPages(layout.newestPage));
    artifacts.push(
      ...channelDocument(
        layout,
        'current',
        inChannel.filter((e) => current.has(pages[e.postId] ?? -1)),
        translations,
      ),
    );
    // Archive documents: every full page (all but the newest).
    for (let page = 0; page < layout.newestPage; page++) {
      artifacts.push(
        ...channelDocument(
          layout,
          page,
          inChannel.filter((e) => pages[e.postId] === page),
          translations,
        ),
      );
    }
  }
  return artifacts;
}
