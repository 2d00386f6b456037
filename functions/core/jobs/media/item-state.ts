import { LEASE_ENDED } from '../../../aws/lease';
import type { Deps } from '../../deps';
import { deleteOriginal } from '../../media/incoming-store';
import type { MediaItem } from '../../media/item';
import { MEDIA_LEASE_MS, type MediaIds, moveMediaLease, settleMedia } from '../../media/item-store';
import type { MediaOutput, MediaRejected, ProcessedMedia } from '../../media/media';
import { storeOutputs } from '../../media/outputs-store';
import { settleUnlessRetracted } from './retracted';

/**
 * A media item's state in the table, as the workers move it: the lease, progress, and how it settles.
 * Shared by the single-job worker (worker.ts) and the stages of a long video (segments/), so both end a
 * media item the same way.
 */

// The item store's names, re-exported where the worker's callers and crash tests have always read them.
export type { MediaIds } from '../../media/item-store';
export { MEDIA_LEASE_MS } from '../../media/item-store';

export async function releaseLease(deps: Deps, postId: string, mediaId: string): Promise<void> {
  await moveMediaLease(deps, { postId, mediaId }, LEASE_ENDED);
}

/** Extends the lease of an item still processing (each stage of a long video holds it while it works). */
export async function renewLease(deps: Deps, ids: MediaIds): Promise<void> {
  await moveMediaLease(deps, ids, new Date(deps.now().getTime() + MEDIA_LEASE_MS));
}

/** The poster's WebVTT captions, kept with a video (never with audio or photos, which have no track). */
function captionsOutput(item: MediaItem, processed: ProcessedMedia): MediaOutput[] {
  if (!item.captions || processed.kind !== 'video') return [];
  return [
    { role: 'captions', contentType: 'text/vtt; charset=utf-8', extension: 'vtt', bytes: Buffer.from(item.captions, 'utf8') },
  ];
}

/**
 * Stores what a processor made (with the item's captions) and marks the item ready. `afterStore` is the
 * crash point between the two: outputs are content-addressed, so a retry rewrites the same keys.
 */
export async function storeAndMarkReady(
  deps: Deps,
  item: MediaItem,
  processed: ProcessedMedia,
  afterStore: () => void,
): Promise<void> {
  const outputs = await storeOutputs(deps, { postId: item.postId, mediaId: item.id }, [
    ...processed.outputs,
    ...captionsOutput(item, processed),
  ]);
  afterStore();
  // Keys retired earlier (a face review's draft renders) that this render wrote again stay: they are its own.
  const fresh = new Set(outputs.map((o) => o.key));
  await settleMedia(deps, item.postId, item.id, {
    retiredKeys: item.retiredKeys?.filter((key) => !fresh.has(key)),
    state: 'ready',
    kind: processed.kind,
    width: processed.width,
    height: processed.height,
    durationSeconds: processed.durationSeconds,
    placeholder: processed.placeholder,
    dominantColor: processed.dominantColor,
    faces: processed.faces,
    outputs,
    progress: 100,
  });
}

/** Marks the item failed with the rejection's code and words, and settles the post (it fails with them). */
export async function markFailed(deps: Deps, ids: MediaIds, error: MediaRejected, originalKey: string): Promise<void> {
  await settleMedia(deps, ids.postId, ids.mediaId, { state: 'failed', failure: { code: error.code, message: error.message } });
  await finishTail(deps, originalKey, ids.postId);
}

/**
 * After a file settled (ready or failed): delete its original and settle the post. A crash before the
 * settle is finished by the queue's redelivery (the duplicate path) or, with the message gone, by the
 * sweeper's settle partition.
 */
export async function finishTail(deps: Deps, key: string, postId: string, keepOriginal = false): Promise<void> {
  deps.faults?.('media:before-settle');
  // A photo under face review is rendered again from its original at the submit (posts/face-review.ts).
  if (!keepOriginal) await deleteOriginal(deps, key);
  await settleUnlessRetracted(deps, postId);
}
