import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaceStep } from '../faces/step';
import { MediaRejected } from '../media';
import { asRejection } from './failure';
import { DEFAULT_TIME_BUDGET_MS } from './limits';
import { type AvProbe, parseProbe, probeArgs } from './probe';
import { ProgressReporter } from './progress';
import { Deadline, type RunOptions, type RunResult, run } from './run';

/** How the media worker runs the audio/video processor. */
export interface AvOptions {
  /** A directory this job may write scratch files into (a private subfolder is made and removed). */
  workDir: string;
  /** Whole percents of the job, increasing; may be async (it is never awaited by the encoder). */
  onProgress?: (percent: number) => void | Promise<void>;
  /** Wall-clock budget for the whole job; past it ffmpeg is killed and the upload refused `timed_out`. */
  timeBudgetMs?: number;
  /** ffmpeg binary; on Lambda it comes from a layer (`/opt/bin/ffmpeg`). Default `ffmpeg` on PATH. */
  ffmpegPath?: string;
  /** ffprobe binary. Default `ffprobe` on PATH. */
  ffprobePath?: string;
  /** The face step for a video's poster (the only frame whose faces are blurred). */
  faces?: FaceStep;
}

/** One processing job: its deadline, binaries, progress, scratch folder. */
export interface AvJob {
  deadline: Deadline;
  progress: ProgressReporter;
  scratch: string;
  ffmpeg(args: string[], options?: Omit<RunOptions, 'deadline'>): Promise<RunResult>;
  probe(path: string): Promise<AvProbe>;
  faces?: FaceStep;
}

/**
 * Runs `body` with a job context, removing its scratch folder afterwards, and turns tool failures that
 * the input caused into named rejections.
 */
export async function withJob<T>(options: AvOptions, body: (job: AvJob) => Promise<T>): Promise<T> {
  const deadline = new Deadline(options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  const scratch = await mkdtemp(join(options.workDir, 'av-'));
  const progress = new ProgressReporter(options.onProgress);
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  const ffprobePath = options.ffprobePath ?? 'ffprobe';
  const job: AvJob = {
    deadline,
    progress,
    scratch,
    ffmpeg: (args, runOptions) => run(ffmpegPath, args, { ...runOptions, deadline }),
    probe: (path) => probeFile(ffprobePath, path, deadline),
    faces: options.faces,
  };
  try {
    const result = await body(job);
    progress.report(progress.endsAt);
    await progress.flush();
    return result;
  } catch (error) {
    throw asRejection(error);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Runs ffprobe on `path` and parses its JSON. */
export async function probeFile(ffprobePath: string, path: string, deadline: Deadline): Promise<AvProbe> {
  const { stdout } = await run(ffprobePath, probeArgs(path), { deadline });
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new MediaRejected('damaged', 'ffprobe printed no readable description');
  }
  return parseProbe(json);
}

/**
 * Refuses a file above `maxBytes` before anything decodes it.
 * @throws MediaRejected `too_large`, or `empty` for zero bytes.
 */
export async function checkSize(path: string, maxBytes: number): Promise<number> {
  const { size } = await stat(path);
  if (size === 0) throw new MediaRejected('empty');
  if (size > maxBytes) throw new MediaRejected('too_large', `${size} bytes, limit ${maxBytes}`);
  return size;
}
