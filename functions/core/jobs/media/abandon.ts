import { incomingKey } from '../../../aws/keys';
import type { Deps } from '../../deps';
import { abortMultipartUpload, deleteOriginal } from '../../media/incoming-store';
import { failAwaitingItem } from '../../media/item-store';
import { MediaRejected } from '../../media/media';
import { deleteOutputs } from '../../media/outputs-store';
import type { PostWithMedia } from '../../posts/store';

/** The failure code of a file whose upload never arrived. */
export const ABANDONED = 'abandoned';

/**
 * Gives up on the files of a processing post whose uploads never arrived within
 * `config.abandonUploadsAfterSeconds` of being asked for (`arrived` says whether the original is in the
 * incoming bucket after all: then its event was lost and it is re-driven instead). Each such file fails
 * with a reason, so the post fails with it rather than stay "processing" for ever; then everything the post
 * left in storage is removed — a multipart upload's parts, any original that did arrive, the outputs of
 * its other files. Safe to repeat: a crash half-way is finished by the next sweep. Returns true when the
 * post has an abandoned file (and was cleaned up).
 */
export async function abandonStalledUploads(
  deps: Deps,
  { media }: PostWithMedia,
  arrived: (key: string) => Promise<boolean>,
): Promise<boolean> {
  const limitMs = deps.config.abandonUploadsAfterSeconds * 1000;
  const deadline = deps.now().getTime() - limitMs;
  const failure = new MediaRejected(ABANDONED, `not finished within ${describeDuration(limitMs)}`);
  let abandoned = media.some((m) => m.failure?.code === ABANDONED);
  for (const item of media) {
    if (item.state !== 'awaiting_upload' || new Date(item.createdAt).getTime() > deadline) continue;
    if (await arrived(incomingKey(item.schoolId, item.postId, item.id))) continue;
    // An upload that arrives at this very moment wins: the worker has it.
    const ids = { postId: item.postId, mediaId: item.id };
    if (await failAwaitingItem(deps, ids, { code: ABANDONED, message: failure.message })) abandoned = true;
  }
  if (!abandoned) return false;
  for (const item of media) {
    if (item.uploadId) await abortMultipartUpload(deps, item, item.uploadId);
    // An original that arrives after this is refused by the worker (its file has failed) and deleted.
    await deleteOriginal(deps, incomingKey(item.schoolId, item.postId, item.id));
  }
  await deleteOutputs(
    deps,
    media.flatMap((m) => m.outputs.map((o) => o.key)),
  );
  return true;
}

/** "24 hours", "90 minutes", "30 seconds": how the limit reads in a teacher's status line. */
function describeDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
