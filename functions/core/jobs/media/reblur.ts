import { retireOldKeys } from '../../channels/rekey';
import type { Deps } from '../../deps';
import { faceStep } from '../../media/faces/step';
import { processImage } from '../../media/image/process';
import type { MediaItem } from '../../media/item';
import { recordFaceEdit } from '../../media/item-store';
import type { OutputRole, StoredOutput } from '../../media/media';
import { readOutput, storeOutputs } from '../../media/outputs-store';
import { bumpPostVersion, getPostWithMedia } from '../../posts/store';
import { clearIfRetracted } from './retracted';

/**
 * The media worker's half of a face edit (edit.ts): re-renders the file's pictures (a photo's widths, or
 * a video's poster) from its largest stored JPEG with the new faces blurred, stores them under new
 * content-addressed keys, and retires the old ones — deleted from storage and invalidated at the CDN once
 * the channels show the new ones (the fan-out's step, as after a narrowing), at once if none ever did.
 * The original is gone by now, so this can only blur more, never less. Safe to repeat: a retry finds the
 * edit done (no `faceEdit`) or does it again to the same content-addressed keys.
 */
export async function applyFaceEdit(deps: Deps, ids: { schoolId: string; postId: string; mediaId: string }): Promise<void> {
  const current = await getPostWithMedia(deps, ids.postId);
  const item = current?.media.find((m) => m.id === ids.mediaId);
  if (!current || !item?.faceEdit || !item.faces || current.post.schoolId !== ids.schoolId) return;
  const role: OutputRole = item.kind === 'video' ? 'poster' : 'image';
  const source = largestJpeg(item, role);
  if (!source) return;
  const bytes = await readOutput(deps, source.key);
  const boxes = item.faces.map(({ blur: _blur, ...box }) => box);
  const redrawn = await processImage(bytes, {
    format: 'jpeg',
    faces: faceStep('keep', { chosen: item.faceEdit, detect: async () => boxes }),
  });
  const fresh = await storeOutputs(
    deps,
    { postId: item.postId, mediaId: item.id },
    redrawn.outputs.map((o) => ({ ...o, role })),
  );
  const kept = item.outputs.filter((o) => o.role !== role);
  const outputs = role === 'poster' ? [...kept, ...fresh] : [...fresh, ...kept];
  const freshKeys = new Set(fresh.map((o) => o.key));
  const retired = item.outputs.filter((o) => o.role === role && !freshKeys.has(o.key)).map((o) => o.key);
  const retiredKeys = [...(item.retiredKeys ?? []), ...retired];
  const recorded = await recordFaceEdit(
    deps,
    { postId: item.postId, mediaId: item.id },
    {
      outputs,
      faces: redrawn.faces ?? item.faces,
      placeholder: redrawn.placeholder ?? item.placeholder ?? '',
      dominantColor: redrawn.dominantColor ?? item.dominantColor ?? '',
      retiredKeys,
    },
  );
  if (!recorded) return; // another attempt finished it
  // Retracted while it was redrawn: the retract's job may have run before these outputs were recorded.
  if (await clearIfRetracted(deps, await getPostWithMedia(deps, item.postId))) return;
  const updated = { ...item, outputs, retiredKeys };
  if (current.post.state === 'published') await rerender(deps, current.post.id);
  else await retireOldKeys(deps, { ...current, media: [updated] });
}

function largestJpeg(item: MediaItem, role: OutputRole): StoredOutput | undefined {
  return item.outputs
    .filter((o) => o.role === role && o.contentType === 'image/jpeg')
    .sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
}

/** A new version for the fan-out: it renders every channel with the new files, then retires the old ones. */
async function rerender(deps: Deps, postId: string): Promise<void> {
  await bumpPostVersion(deps, postId);
  await deps.queues.fanout({ kind: 'publish', postId });
}
