import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../../deps';
import { withJob } from '../../media/av/job';
import { encodePiece, PROGRESS } from '../../media/av/segments';
import type { MediaItem } from '../../media/item';
import { markSegmentDone, recordProgress, settleMedia } from '../../media/item-store';
import { MediaRejected } from '../../media/media';
import { avOptions } from '../../media/processors';
import type { SegmentJob, SegmentPlan } from '../../segment-job';
import { renewLease } from '../media/item-state';
import { loadItem } from './start';
import { finishSettled, getWorkFile, putWorkFile, workKeys } from './store';

type PieceJob = Extract<SegmentJob, { kind: 'piece' }>;

/**
 * Encodes one piece of a long video and marks it done; the job that finishes the last piece queues the
 * join. Safe to repeat: a piece already done (a duplicate message, or a retry after a crash past the
 * mark) only re-checks whether the join is due; a job of an older split, or for an item that has
 * settled, does nothing but finish the settled item's tail.
 *
 * A piece the encoder refuses fails the whole video, with the reason and which part it was.
 */
export async function runPiece(deps: Deps, job: PieceJob): Promise<void> {
  const item = await loadItem(deps, job);
  if (!item) return;
  if (item.state === 'ready' || item.state === 'failed') return finishSettled(deps, item);
  const plan = item.segments;
  if (item.state !== 'processing' || plan?.id !== job.splitId) return;
  const count = plan.seconds.length;
  if (item.segmentsDone?.has(job.index)) {
    if (item.segmentsDone.size === count) await deps.queues.segments({ ...job, kind: 'join' });
    return;
  }
  await renewLease(deps, { postId: item.postId, mediaId: item.id });
  try {
    await encodeAndStore(deps, item, plan, job.index);
  } catch (error) {
    if (!(error instanceof MediaRejected)) throw error;
    const which = `part ${job.index + 1} of ${count}`;
    const failure = new MediaRejected(error.code, error.detail ? `${which}: ${error.detail}` : which);
    await settleMedia(deps, item.postId, item.id, { state: 'failed', failure: { code: failure.code, message: failure.message } });
    return finishSettled(deps, item);
  }
  deps.faults?.('segments:after-piece', String(job.index));
  const done = await markSegmentDone(deps, { postId: item.postId, mediaId: item.id }, job.splitId, job.index);
  if (done === undefined) return;
  await recordProgress(deps, item.postId, item.id, overall(done.size, 0, count));
  if (done.size === count)
    await deps.queues.segments({ postId: job.postId, mediaId: job.mediaId, splitId: job.splitId, kind: 'join' });
}

/** The whole video's percent: the split, then the pieces (those done, and this one's part), then the join. */
const overall = (done: number, fraction: number, count: number) =>
  PROGRESS.split + ((PROGRESS.join - PROGRESS.split) * Math.min(count, done + fraction)) / count;

async function encodeAndStore(deps: Deps, item: MediaItem, plan: SegmentPlan, index: number): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'corridor-piece-'));
  const doneBefore = item.segmentsDone?.size ?? 0;
  let lastReported = -1;
  try {
    const source = join(workDir, 'source');
    const encoded = join(workDir, 'encoded');
    await getWorkFile(deps, workKeys.source(item, plan.id, index), source);
    const onProgress = async (percent: number) => {
      const whole = Math.floor(overall(doneBefore, percent / 100, plan.seconds.length));
      // Parallel pieces each nudge the one number; a write per two percent of the whole is plenty.
      if (whole - lastReported < 2) return;
      lastReported = whole;
      await recordProgress(deps, item.postId, item.id, whole);
    };
    await withJob(avOptions({ workDir, ffmpegDir: deps.config.ffmpegDir, onProgress }), (job) =>
      encodePiece(job, source, encoded, {
        seconds: plan.seconds[index] ?? 0,
        size: { width: plan.width, height: plan.height },
        rotation: plan.rotation,
      }),
    );
    await putWorkFile(deps, workKeys.encoded(item, plan.id, index), encoded);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
