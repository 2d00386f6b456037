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
  markArchived,
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
 * What a render writes besides the current document and the pages that filled: archive pages the caller
 * names; `'newest'`, the newest full page again (a change every document shows, such as a class's new
 * name, as it always did); or `{ changed }`, the pages on which the caller changed entries (the fan-out) —
 * the archived ones, and the current document only when it shows one of them.
 */
export type ArchivePages = number[] | 'newest' | { changed: number[] };

/**
 * Renders a channel's current document, the archive pages that became full since their documents were
 * last written, and the archive pages the caller names. It reads the channel's revision before and
 * after writing: if the index changed meanwhile, a concurrent render may have written an older index
 * after ours, so it renders again — the last writer always wrote the newest index. Returns the URL paths
 * it wrote. A caller that just changed the index passes the counters that change returned (read after
 * it) and the school, saving two reads.
 *
 * Which archive pages, and why that is enough. A full page never changes again except through an entry
 * on it (an edit, a retract, a late add), and the fan-out names that entry's page whenever it is archived
 * by the time the entry's revision bump is read (`known.meta`, or any later round's read). So a render
 * must write a page itself only when the page became full: every page after `meta.archived` up to the
 * newest full one, and `markArchived` raises the mark once that round's revision check passed. Why that
 * round's bytes are final: an entry of the page whose revision bump came before the round read the
 * revision is in what it read (entries are written before the bump, reads are strong); one whose bump
 * came between that read and the check makes the round render again; one whose bump came after the check
 * saw the page full (the count only grows, and the round saw it full) and renders the page itself. The
 * same goes for every later writer of the page, so the page's last write holds every entry. Until the
 * mark is raised (a crash after writing, a lost race), every render writes the page again. The rule is
 * not "the entry that took the page's first number renders the page before": a crash between taking a
 * number and writing the entry leaves that number unused, and then no entry would have opened the page.
 * A channel indexed before the mark was kept has none and counts as marked up to the page before the
 * newest full one, which renders the newest full page every time, as every render did until then.
 *
 * The current document, likewise, changes only through an entry on a page it shows (the newest two) or a
 * new newest page — and the entry that took a number on it writes the current document. An entry on an
 * older page was not on those pages when its revision bump was read (the newest page only grows), so a
 * retract or an edit there leaves the current document's bytes as they were, and `{ changed }` skips it.
 *
 * A token rotation also bumps the revision, so a render that raced it runs again at the new address —
 * and removes what it wrote at the old one, which must stay dead.
 */
export async function renderChannel(
  deps: Deps,
  channel: Channel,
  archivePages: ArchivePages = 'newest',
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
    const filled = pagesBetween(Math.max(-1, before.archived ?? newest - 2), newest - 1);
    const { named, current } = asked(archivePages, newest);
    const archives = [...new Set([...filled, ...named].filter((p) => isArchived(p, newest)))];
    const slots: DocumentSlot[] = current ? ['current', ...archives] : archives;
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
      if (filled.length > 0) await markArchived(deps, channel.id, newest - 1);
      return artifacts.map((a) => sitePath(a.key));
    }
    strayKeys.push(...artifacts.map((a) => a.key));
  }
  throw new Error(`channel ${channel.id} kept changing while rendering; will retry`);
}

/** The archive pages a caller names, and whether the current document may have changed (see `ArchivePages`). */
function asked(pages: ArchivePages, newest: number): { named: number[]; current: boolean } {
  if (pages === 'newest') return { named: [newest - 1], current: true };
  if (Array.isArray(pages)) return { named: pages, current: true };
  return { named: pages.changed, current: pages.changed.some((p) => p >= newest - 1) };
}

/** Pages after `from` up to `to`, oldest first (none when `to` is not after `from`). */
const pagesBetween = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + 1 + i);
