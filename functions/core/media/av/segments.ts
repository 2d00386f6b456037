import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaRejected, type ProcessedMedia } from '../media';
import type { Size } from './geometry';
import type { AvJob } from './job';
import type { AvProbe, Rotation, VideoStream } from './probe';
import { concatList, joinArgs, parseSegmentList, pieceEncodeArgs, SEGMENT_LIST, splitArgs } from './segment-profile';
import { checkVideoInput, finishVideo } from './video';
import { planVideo } from './video-profile';

/**
 * The three stages of a long video, each one job on local files: split, encode a piece, join. They share
 * the single job's profile (segment-profile.ts) and its checks and poster (video.ts); storing the pieces
 * between stages and queueing the jobs is the caller's (core/jobs/segments/).
 */

/** When a video is split, and into pieces of about how long (docs/media.md has the measurements). */
export interface SplitPolicy {
  /** Videos longer than this are split; shorter ones keep the single job. */
  afterSeconds: number;
  /** Target length of a piece; pieces end at the first keyframe after it. */
  segmentSeconds: number;
}

/** A long video after the split: its pieces and sound on local disk, and what the piece jobs need. */
export interface SplitVideo {
  pieces: { path: string; seconds: number }[];
  /** The whole sound track, already encoded (absent for a silent video). */
  audio?: string;
  /** Upright output size and the rotation each piece job applies. */
  size: Size;
  rotation: Rotation;
  /** The source's length, which the joined video is checked against. */
  durationSeconds?: number;
}

/** Parts of the whole job's progress: the split, then the pieces, then the join (and poster). */
export const PROGRESS = { split: 10, join: 90 } as const;

/** Whether a probed video takes the segment path: it needs a re-encode, and is longer than the policy's threshold. */
export function shouldSplit(probe: AvProbe & { video: VideoStream }, policy: SplitPolicy): boolean {
  return planVideo(probe).mode === 'transcode' && (probe.durationSeconds ?? 0) > policy.afterSeconds;
}

/**
 * Cuts the picture into pieces at keyframes (stream copy) and encodes the sound once, into `dir` (which
 * outlives this job: the caller stores the pieces).
 * @throws MediaRejected `too_long`, `too_many_pixels`, `damaged`, `timed_out`.
 */
export async function splitVideo(
  job: AvJob,
  input: string,
  probe: AvProbe & { video: VideoStream },
  policy: SplitPolicy,
  dir: string,
): Promise<SplitVideo> {
  checkVideoInput(probe);
  const plan = planVideo(probe);
  await mkdir(dir, { recursive: true });
  const audio = probe.audio ? join(dir, 'audio.m4a') : undefined;
  await job.ffmpeg(splitArgs(probe, input, dir, policy.segmentSeconds, audio), {
    onStdoutLine: job.progress.step(0, PROGRESS.split, probe.durationSeconds),
  });
  const pieces = parseSegmentList(await readFile(join(dir, SEGMENT_LIST), 'utf8')).map((piece) => ({
    path: join(dir, piece.file),
    seconds: piece.end - piece.start,
  }));
  if (pieces.length === 0 || pieces.some((piece) => !(piece.seconds > 0))) {
    throw new MediaRejected('damaged', 'the picture could not be cut into pieces');
  }
  job.progress.endsAt = PROGRESS.split;
  return { pieces, audio, size: plan.size, rotation: probe.video.rotation, durationSeconds: probe.durationSeconds };
}

/**
 * Encodes one piece, picture only, and checks it came out about as long as its span in the source (a
 * piece that decodes to much less is damaged). Progress is the piece's own, 0–100.
 * @throws MediaRejected `damaged`, `unsupported`, `timed_out`.
 */
export async function encodePiece(
  job: AvJob,
  input: string,
  output: string,
  piece: { seconds: number; size: Size; rotation: Rotation },
): Promise<void> {
  await job.ffmpeg(pieceEncodeArgs(input, output, piece.size, piece.rotation), {
    onStdoutLine: job.progress.step(0, 100, piece.seconds),
  });
  const encoded = await job.probe(output);
  const seconds = encoded.durationSeconds ?? 0;
  if (!encoded.video || seconds < piece.seconds * 0.9 - 0.5) {
    throw new MediaRejected('damaged', `only ${seconds.toFixed(1)} of ${piece.seconds.toFixed(1)} s could be decoded`);
  }
}

/**
 * Joins the encoded pieces and the sound into the published MP4 (no re-encode), then checks it and makes
 * the poster exactly as the single job does.
 * @throws MediaRejected `damaged` (shorter than the source promised), `timed_out`.
 */
export async function joinPieces(
  job: AvJob,
  pieces: { path: string; seconds: number }[],
  audio: string | undefined,
  promisedSeconds: number | undefined,
): Promise<ProcessedMedia> {
  const list = join(job.scratch, 'pieces.ffconcat');
  await writeFile(list, concatList(pieces.map((piece) => ({ file: piece.path, seconds: piece.seconds }))));
  const output = join(job.scratch, 'video.mp4');
  const total = pieces.reduce((sum, piece) => sum + piece.seconds, 0);
  await job.ffmpeg(joinArgs(list, audio, output), { onStdoutLine: job.progress.step(0, 50, total) });
  return finishVideo(job, output, promisedSeconds, 60);
}
