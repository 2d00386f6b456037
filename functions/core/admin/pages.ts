import { channel } from '../channels/channels';
import { renderChannel } from '../channels/render-channel';
import type { Deps } from '../deps';
import type { School } from '../schools/school';

/**
 * Re-renders the school's own channels — public, families, each class — after its name, time zone or a
 * class's name changed: their titles carry them, and readers should not wait for the next post to see it.
 * The current documents and the newest archive page, as ever (older archive pages keep the words they were
 * written with).
 */
export async function renderSchoolChannels(deps: Deps, school: School): Promise<void> {
  const channels = [
    channel.public(school.id),
    channel.families(school.id),
    ...school.classes.map((k) => channel.class(school.id, k.id)),
  ];
  for (const target of channels) await renderChannel(deps, target, 'newest', { school });
}
