import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps';
import type { SplitVideo } from '../../media/av/segments';
import type { MediaItem } from '../../media/item';
import { recordSegmentPlan } from '../../media/item-store';
import { getPostWithMedia } from '../../posts/store';
import type { SegmentJob, SegmentPlan } from '../../segment-job';
import { deleteSplit, putWorkFile, workKeys } from './store';

/** How many pieces are stored at once after a split (each a stream, so memory stays flat). */
const UPLOAD_CONCURRENCY = 4;

/**
 * After the split: stores the pieces and the sound, records the plan on the item, and queues one job per
 * piece. A crash before the plan is recorded leaves only objects under a split id nothing refers to; the
 * retry splits again under a new id, and every object under the item's prefix goes when it settles.
 * When the item settled meanwhile (the plan is refused), this split's objects go at once and nothing is
 * queued.
 */
export async function startSegments(deps: Deps, item: MediaItem, split: SplitVideo): Promise<void> {
  const plan: SegmentPlan = {
    id: randomUUID(),
    seconds: split.pieces.map((piece) => piece.seconds),
    hasAudio: split.audio !== undefined,
    width: split.size.width,
    height: split.size.height,
    rotation: split.rotation,
    durationSeconds: split.durationSeconds,
  };
  const uploads = [
    ...split.pieces.map((piece, index) => () => putWorkFile(deps, workKeys.source(item, plan.id, index), piece.path)),
    ...(split.audio ? [() => putWorkFile(deps, workKeys.audio(item, plan.id), split.audio as string)] : []),
  ];
  for (let i = 0; i < uploads.length; i += UPLOAD_CONCURRENCY) {
    await Promise.all(uploads.slice(i, i + UPLOAD_CONCURRENCY).map((upload) => upload()));
  }
  await deps.faults?.('segments:after-split');
  if (!(await recordSegmentPlan(deps, { postId: item.postId, mediaId: item.id }, plan))) {
    // The item settled while this job split it: another worker took it over once this one's lease ran
    // out, and finished it. Nothing will ever read these pieces, and the settle that cleared the item's
    // objects may have come before they were stored: they go now, and the job ends without error (a
    // retry would find the item settled anyway; throwing would only walk the message to the DLQ).
    await deleteSplit(deps, item, plan.id);
    return;
  }
  await queueRemaining(deps, { ...item, segments: plan, segmentsDone: undefined });
}

/**
 * A retry of an item already split (its media job crashed after recording the plan, or the sweeper found
 * its lease run out): queue again whatever is not done — the unfinished pieces, or the join.
 */
export async function resumeSegments(deps: Deps, item: MediaItem): Promise<void> {
  await queueRemaining(deps, item);
}

async function queueRemaining(deps: Deps, item: MediaItem): Promise<void> {
  const plan = item.segments;
  if (!plan) return;
  const ids = { postId: item.postId, mediaId: item.id, splitId: plan.id };
  const missing = plan.seconds.map((_, index) => index).filter((index) => !item.segmentsDone?.has(index));
  const jobs: SegmentJob[] =
    missing.length === 0 ? [{ kind: 'join', ...ids }] : missing.map((index) => ({ kind: 'piece', ...ids, index }));
  for (const job of jobs) await deps.queues.segments(job);
}

/** The media item a segment job is about, fresh from the table (undefined when the post is gone). */
export async function loadItem(deps: Deps, job: SegmentJob): Promise<MediaItem | undefined> {
  return (await getPostWithMedia(deps, job.postId))?.media.find((m) => m.id === job.mediaId);
}
