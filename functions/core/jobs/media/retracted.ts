import type { Deps } from '../../deps';
import { storedKeysOf } from '../../media/item';
import { deleteOutputs } from '../../media/outputs-store';
import { settlePost } from '../../posts/settle';
import { getPostWithMedia, type PostWithMedia } from '../../posts/store';
import { wildcards } from '../fanout';

/**
 * The tail of every media job that stores outputs (a file processed, a long video joined, a face edit):
 * the post settles — unless it was retracted meanwhile. A retract's fan-out deletes the outputs recorded
 * on the post's items when it runs; outputs a worker records after that (a video still encoding when the
 * head pressed Retract) would stay in the site bucket for good. So the tail reads the post afresh, after
 * its own write: of the retract's job and this tail, whichever runs second sees the other's write, and
 * the outputs go either way — retract is total. Safe to repeat (deleting what is gone is a no-op).
 */
export async function settleUnlessRetracted(deps: Deps, postId: string): Promise<void> {
  const current = await getPostWithMedia(deps, postId);
  if (!current) return;
  if (!(await clearIfRetracted(deps, current))) await settlePost(deps, postId, current);
}

/** Deletes every stored output of a retracted post's media (and forgets them at the edge); false if not retracted. */
export async function clearIfRetracted(deps: Deps, current: PostWithMedia | undefined): Promise<boolean> {
  if (current?.post.state !== 'retracted') return false;
  const keys = storedKeysOf(current.media);
  if (keys.length > 0) {
    await deleteOutputs(deps, keys);
    await deps.cdn.removed(wildcards(keys.map((key) => `/${key}`)));
  }
  return true;
}
