import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../../deps';
import { withJob } from '../../media/av/job';
import { joinPieces, PROGRESS } from '../../media/av/segments';
import { faceStepOf } from '../../media/faces/step';
import type { MediaItem } from '../../media/item';
import { recordProgress, settleMedia } from '../../media/item-store';
import { MediaRejected, type ProcessedMedia } from '../../media/media';
import { avOptions } from '../../media/processors';
import type { SegmentJob, SegmentPlan } from '../../segment-job';
import { renewLease, storeAndMarkReady } from '../media/item-state';
import { loadItem } from './start';
import { finishSettled, getWorkFile, workKeys } from './store';

type JoinJob = Extract<SegmentJob, { kind: 'join' }>;

/**
 * Joins a long video's encoded pieces and its sound into the published MP4, makes the poster, stores the
 * outputs exactly as the single job does (captions included), marks the item ready, then removes the
 * temporary objects and the original and settles the post. Safe to repeat: a settled item only gets its
 * tail finished, and a join before every piece is done (never sent so, but a stale message might be)
 * does nothing.
 */
export async function runJoin(deps: Deps, job: JoinJob): Promise<void> {
  const item = await loadItem(deps, job);
  if (!item) return;
  if (item.state === 'ready' || item.state === 'failed') return finishSettled(deps, item);
  const plan = item.segments;
  if (item.state !== 'processing' || plan?.id !== job.splitId) return;
  if ((item.segmentsDone?.size ?? 0) < plan.seconds.length) return;
  await renewLease(deps, { postId: item.postId, mediaId: item.id });
  let processed: ProcessedMedia;
  try {
    processed = await joinStored(deps, item, plan);
  } catch (error) {
    if (!(error instanceof MediaRejected)) throw error;
    await settleMedia(deps, item.postId, item.id, { state: 'failed', failure: { code: error.code, message: error.message } });
    return finishSettled(deps, item);
  }
  await storeAndMarkReady(deps, item, processed, () => deps.faults?.('segments:after-join'));
  await finishSettled(deps, item);
}

async function joinStored(deps: Deps, item: MediaItem, plan: SegmentPlan): Promise<ProcessedMedia> {
  const workDir = await mkdtemp(join(tmpdir(), 'corridor-join-'));
  try {
    const pieces = await Promise.all(
      plan.seconds.map(async (seconds, index) => {
        const path = join(workDir, `encoded-${index}`);
        await getWorkFile(deps, workKeys.encoded(item, plan.id, index), path);
        return { path, seconds };
      }),
    );
    const audio = plan.hasAudio ? join(workDir, 'audio.m4a') : undefined;
    if (audio) await getWorkFile(deps, workKeys.audio(item, plan.id), audio);
    const onProgress = (percent: number) =>
      recordProgress(deps, item.postId, item.id, PROGRESS.join + ((100 - PROGRESS.join) * percent) / 100);
    return await withJob(
      avOptions({ workDir, ffmpegDir: deps.config.ffmpegDir, onProgress, faces: faceStepOf(item, deps.config.faceModelDir) }),
      (av) => joinPieces(av, pieces, audio, plan.durationSeconds),
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
