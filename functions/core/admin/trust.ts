import type * as z from 'zod';
import { channel } from '../channels/channels';
import { renderChannel } from '../channels/render-channel';
import type { Deps } from '../deps';
import { createTrustItem } from '../schools/store';
import { type Trust, TrustExists, trustSchema } from '../schools/trust';

/**
 * An operator creates a trust. Its wall (/w/<id>) exists from the start, empty ("no posts yet"), so the
 * address can be shared before the first school opts in. (Here, above schools/ and channels/: a school's
 * noun folder does not render channels.)
 */
export async function createTrust(deps: Deps, raw: z.input<typeof trustSchema>): Promise<Trust> {
  const trust = trustSchema.parse(raw);
  if (!(await createTrustItem(deps, trust))) throw new TrustExists(`There is already a trust "${trust.id}". Choose another id.`);
  await renderChannel(deps, channel.wall(trust.id));
  return trust;
}
