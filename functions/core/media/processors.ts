import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AvOptions, processAudio, processVideoOrSplit, type SplitPolicy, type SplitVideo } from './av/process';
import type { FaceStep } from './faces/step';
import { processImage } from './image/process';
import type { MediaKind, ProcessedMedia } from './media';
import type { Sniffed } from './sniff';

/** What a processor gets: the sniffed format, the original in a scratch folder, and progress. */
export interface ProcessInput {
  sniffed: Sniffed;
  /** The original upload, streamed to a file inside `workDir`. */
  path: string;
  /** A scratch folder the processor may write into; the worker removes it afterwards. */
  workDir: string;
  /** Where ffmpeg and ffprobe live (a Lambda layer); absent means on PATH. */
  ffmpegDir?: string;
  onProgress: (percent: number) => Promise<void>;
  /** When a long video is split into pieces encoded in parallel rather than encoded in this job. */
  split: SplitPolicy;
  /** Finds and blurs faces in a photo or a video's poster before any output is made. */
  faces?: FaceStep;
}

export const avOptions = ({
  workDir,
  ffmpegDir,
  onProgress,
  faces,
}: Pick<ProcessInput, 'workDir' | 'ffmpegDir' | 'onProgress' | 'faces'>): AvOptions => ({
  workDir,
  onProgress,
  faces,
  ...(ffmpegDir ? { ffmpegPath: join(ffmpegDir, 'ffmpeg'), ffprobePath: join(ffmpegDir, 'ffprobe') } : {}),
});

/**
 * One processor per media kind. A `Record` over the kind union: adding a kind without a processor is a
 * compile error. Photos are decoded in memory (at most 50 MB); audio and video stream from the file. A
 * long video comes back split (`SplitVideo`), for the worker to hand to the piece jobs.
 */
export const processors: Record<MediaKind, (input: ProcessInput) => Promise<ProcessedMedia | SplitVideo>> = {
  image: async ({ path, sniffed, faces }) => processImage(await readFile(path), { format: sniffed.format, faces }),
  video: (input) => processVideoOrSplit(input.path, avOptions(input), input.split),
  audio: (input) => processAudio(input.path, avOptions(input)),
};
