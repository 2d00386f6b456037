import { sitePath } from '../../aws/keys';
import type { Deps } from '../deps';
import { withArtwork } from '../schools/artwork';
import { getSchool, type School } from '../schools/school';
import { type Artifact, channelDocument, type DocumentSlot } from './artifacts';
import {
  type ChannelMeta,
  channelMeta,
  currentEntries,
  isArchived,
  newestPage,
  openChannel,
  pageEntries,
} from './channel-index-store';
import type { Channel } from './channels';
import { pageTranslations } from './entry-translations';
import { locateChannel } from './locate';
import { deleteArtifact, writeArtifact } from './site-store';

/** After this many lost races the render gives up and the job is retried later. */
const MAX_RENDER_ROUNDS = 10;

/**
 * Renders a channel's current document, the newest full archive page, and the given archive pages from
 * its index. The newest full page is rendered every time (the same bytes once it is full), so the page a
 * publish filled gets its archive document even when two publishes raced to open the next page. It reads the
 * channel's revision before and after writing: if the index changed meanwhile, a concurrent render may
 * have written an older index after ours, so it renders again — the last writer always wrote the
 * newest index. Returns the URL paths it wrote. A caller that just changed the index passes the counters
 * that change returned (read after it) and the school, saving two reads.
 *
 * A token rotation also bumps the revision, so a render that raced it runs again at the new address —
 * and removes what it wrote at the old one, which must stay dead.
 */
export async function renderChannel(
  deps: Deps,
  channel: Channel,
  archivePages: number[] = [],
  known: { meta?: ChannelMeta; school?: School } = {},
): Promise<string[]> {
  const strayKeys: string[] = [];
  // The school's artwork is drawn before its first document is written (and again after a rename).
  if (channel.kind !== 'wall') {
    const school = known.school?.id === channel.schoolId ? known.school : await getSchool(deps, channel.schoolId);
    if (!school) throw new Error(`school ${channel.schoolId} does not exist`);
    known = { ...known, school: await withArtwork(deps, school) };
  }
  for (let round = 0; round < MAX_RENDER_ROUNDS; round++) {
    const place = await locateChannel(deps, channel, known);
    const before = round === 0 && known.meta ? known.meta : await channelMeta(deps, channel.id);
    if (!before.exists) await openChannel(deps, channel.id);
    const layout = { publicUrl: deps.config.publicUrl, place, newestPage: newestPage(before.count, deps.config.feedPageSize) };
    const newest = layout.newestPage;
    const slots: DocumentSlot[] = ['current', ...new Set([newest - 1, ...archivePages].filter((p) => isArchived(p, newest)))];
    const artifacts: Artifact[] = (
      await Promise.all(
        slots.map(async (slot) => {
          const entries =
            slot === 'current' ? await currentEntries(deps, channel.id, newest) : await pageEntries(deps, channel.id, slot);
          return channelDocument(layout, slot, entries, await pageTranslations(deps, entries, known.school));
        }),
      )
    ).flat();
    await Promise.all(artifacts.map((a) => writeArtifact(deps, a)));
    if ((await channelMeta(deps, channel.id)).revision === before.revision) {
      const stray = strayKeys.filter((key) => !key.startsWith(place.prefix));
      if (stray.length > 0) {
        await Promise.all(stray.map((key) => deleteArtifact(deps, key)));
        await deps.cdn.removed(stray.map(sitePath));
      }
      return artifacts.map((a) => sitePath(a.key));
    }
    strayKeys.push(...artifacts.map((a) => a.key));
  }
  throw new Error(`channel ${channel.id} kept changing while rendering; will retry`);
}
