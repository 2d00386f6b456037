import { sitePath } from '../../aws/keys';
import type { Deps } from '../deps';
import type { School } from '../schools/school';
import { type Artifact, channelDocument, type DocumentSlot } from './artifacts';
import { type ChannelMeta, channelMeta, latestEntries, newestPage, openChannel, pageEntries } from './channel-index';
import type { Channel } from './channels';
import { locateChannel } from './locate';
import { deleteArtifact, writeArtifact } from './site';

/** After this many lost races the render gives up and the job is retried later. */
const MAX_RENDER_ROUNDS = 10;

/**
 * Renders a channel's current document and the given archive pages from its index. It reads the
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
  for (let round = 0; round < MAX_RENDER_ROUNDS; round++) {
    const place = await locateChannel(deps, channel, known);
    const before = round === 0 && known.meta ? known.meta : await channelMeta(deps, channel.id);
    if (!before.exists) await openChannel(deps, channel.id);
    const layout = { publicUrl: deps.config.publicUrl, place, newestPage: newestPage(before.count, deps.config.feedPageSize) };
    const slots: DocumentSlot[] = ['current', ...new Set(archivePages.filter((p) => p >= 0 && p <= layout.newestPage))];
    const artifacts: Artifact[] = (
      await Promise.all(
        slots.map(async (slot) =>
          channelDocument(
            layout,
            slot,
            slot === 'current' ? await latestEntries(deps, channel.id) : await pageEntries(deps, channel.id, slot),
          ),
        ),
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
