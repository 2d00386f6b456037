import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIncomingKey } from '../../../aws/keys';
import type { Deps } from '../../deps';
import { DomainError, type DomainErrorOptions } from '../../errors';
import type { SplitVideo } from '../../media/av/segments';
import { deleteOriginal, downloadOriginal, originalSize } from '../../media/incoming-store';
import type { MediaItem } from '../../media/item';
import { markUploaded, recordProgress, takeMediaLease } from '../../media/item-store';
import { type MediaKind, MediaRejected, type ProcessedMedia } from '../../media/media';
import { processors } from '../../media/processors';
import { faceStepFor } from '../../media/review-faces';
import { SNIFF_BYTES, type Sniffed, sniff } from '../../media/sniff';
import { declaredKind, formatBytes, MAX_UPLOAD_BYTES } from '../../media/uploads';
import { parseFaceEditKey } from '../../posts/face-edit';
import { getPostWithMedia } from '../../posts/store';
import { resumeSegments, startSegments } from '../segments/start';
import { finishTail, markFailed, releaseLease, storeAndMarkReady } from './item-state';
import { applyFaceEdit } from './reblur';

/** Thrown when another worker holds the item: the message is retried later, not dropped. */
export class MediaBusy extends DomainError {
  override name = 'MediaBusy';
  constructor(message: string, options?: DomainErrorOptions) {
    super('busy', 503, message, options);
  }
}

export type IncomingOutcome = 'processed' | 'rejected' | 'duplicate' | 'ignored' | 'split';

/**
 * Processes one uploaded original: claim → sniff → process → store outputs → mark ready → delete the
 * original → settle the post. Every step is safe to repeat, so at-least-once S3 events and retries after
 * a crash end in one set of outputs and one publish.
 *
 * A long video is instead split into pieces encoded in parallel (segments/): this job ends once the
 * pieces are stored and their jobs queued (`split`), and the join job settles the item. A retry that
 * finds the item already split re-queues the unfinished pieces rather than splitting again.
 */
export async function processIncoming(deps: Deps, object: { key: string }): Promise<IncomingOutcome> {
  const edit = parseFaceEditKey(object.key);
  if (edit) {
    await applyFaceEdit(deps, edit);
    return 'processed';
  }
  const ids = parseIncomingKey(object.key);
  if (!ids) return 'ignored';
  const current = await getPostWithMedia(deps, ids.postId);
  const item = current?.media.find((m) => m.id === ids.mediaId);
  if (!current || !item || current.post.schoolId !== ids.schoolId) {
    await deleteOriginal(deps, object.key);
    return 'ignored';
  }
  if (item.state === 'ready' || item.state === 'failed') {
    // A duplicate event, or a retry after a crash that came after the item settled: finish the tail.
    await finishTail(deps, object.key, ids.postId, keepsOriginal(item));
    return 'duplicate';
  }
  await markUploaded(deps, ids);
  await claim(deps, ids.postId, ids.mediaId);
  try {
    await deps.faults?.('media:after-claim');
    if (item.segments) {
      await resumeSegments(deps, item);
      return 'split';
    }
    const processed = await fetchAndProcess(deps, object.key, item, (split) => startSegments(deps, item, split));
    if (processed === 'split') return 'split';
    await storeAndMarkReady(deps, item, processed, () => deps.faults?.('media:after-store'));
  } catch (error) {
    if (!(error instanceof MediaRejected)) {
      // Not the file's fault (a crash, S3 hiccup): let the queue's retry claim it at once rather than
      // wait out the lease. Outputs already stored are content-addressed, so the retry rewrites them.
      await releaseLease(deps, ids.postId, ids.mediaId);
      throw error;
    }
    await markFailed(deps, ids, error, object.key);
    return 'rejected';
  }
  await finishTail(deps, object.key, ids.postId, keepsOriginal(item));
  return 'processed';
}

/** A photo under face review keeps its original until the submit renders it as chosen. */
const keepsOriginal = (item: MediaItem) => item.faceReview === true && item.state !== 'failed';

async function fetchAndProcess(
  deps: Deps,
  key: string,
  item: MediaItem,
  onSplit: (split: SplitVideo) => Promise<void>,
): Promise<ProcessedMedia | 'split'> {
  const size = await originalSize(deps, key).catch((error) => {
    // Only a photo whose faces were chosen in the composer has faces before it is processed: its original
    // was kept for that render, and storage expires originals after a day (infra/storage.ts).
    if (item.faces && (error as { name?: string }).name === 'NotFound') throw new MediaRejected('original_gone');
    throw error;
  });
  if (size === 0) throw new MediaRejected('empty');
  // S3 holds a single PUT to its signed size, but a multipart upload's parts, an emulator or a bucket
  // written some other way do not promise it: the size that passed the limit check is the one processed.
  if (size !== item.declaredBytes) {
    throw new MediaRejected('wrong_size', `${describeBytes(size)} arrived, ${describeBytes(item.declaredBytes)} were announced`);
  }
  const largest = Math.max(...Object.values(MAX_UPLOAD_BYTES));
  if (size > largest) throw new MediaRejected('too_large', `${formatBytes(size)} uploaded`);
  // Video can be a gigabyte: the original streams to a scratch file (Lambda's /tmp) and is never a Buffer.
  const workDir = await mkdtemp(join(tmpdir(), 'corridor-media-'));
  try {
    const path = join(workDir, 'original');
    await downloadOriginal(deps, key, path);
    const sniffed = sniff(await readHead(path));
    refuseKindMismatch(item.declaredType, sniffed);
    if (size > MAX_UPLOAD_BYTES[sniffed.kind]) throw new MediaRejected('too_large', `${formatBytes(size)} uploaded`);
    let lastReported = -1;
    const result = await processors[sniffed.kind]({
      sniffed,
      path,
      workDir,
      ffmpegDir: deps.config.ffmpegDir,
      onProgress: async (percent) => {
        if (percent - lastReported < 5 && percent < 100) return;
        lastReported = percent;
        await recordProgress(deps, item.postId, item.id, percent);
      },
      split: { afterSeconds: deps.config.videoSplitAfterSeconds, segmentSeconds: deps.config.videoSegmentSeconds },
      faces: faceStepFor(item, deps.config.faceModelDir),
    });
    if (!('pieces' in result)) return result;
    // The pieces are in this job's scratch folder: they go to storage before it is removed.
    await onSplit(result);
    return 'split';
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The declared type chose the size limit and the upload URL, so the bytes must be that kind: a photo
 * must be a photo. Sound and video share containers (an MP4 or WebM may hold either, and the prober
 * decides by its streams), so they stand in for each other.
 */
function refuseKindMismatch(declaredType: string, sniffed: Sniffed): void {
  const declared = declaredKind(declaredType);
  const family = (kind: MediaKind) => (kind === 'image' ? 'picture' : 'recording');
  if (declared && family(declared) !== family(sniffed.kind)) {
    throw new MediaRejected('mismatch', `announced as ${declaredType}, but it is ${kindWords[sniffed.kind]} (${sniffed.format})`);
  }
}

const kindWords: Record<MediaKind, string> = { image: 'a photo', video: 'a video', audio: 'a sound recording' };

/** Exact sizes for a size mismatch: `formatBytes` rounds away the difference a teacher needs to see. */
const describeBytes = (bytes: number) => (bytes < 10_000 ? `${bytes} bytes` : formatBytes(bytes));

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function claim(deps: Deps, postId: string, mediaId: string): Promise<void> {
  if (!(await takeMediaLease(deps, { postId, mediaId })))
    throw new MediaBusy(`media ${mediaId} is being processed by another worker`);
}
