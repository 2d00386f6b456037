import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AvOptions, processAudio, processVideo } from './av/process';
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
}

const avOptions = ({ workDir, ffmpegDir, onProgress }: ProcessInput): AvOptions => ({
  workDir,
  onProgress,
  ...(ffmpegDir ? { ffmpegPath: join(ffmpegDir, 'ffmpeg'), ffprobePath: join(ffmpegDir, 'ffprobe') } : {}),
});

/**
 * One processor per media kind. A `Record` over the kind union: adding a kind without a processor is a
 * compile error. Photos are decoded in memory (at most 50 MB); audio and video stream from the file.
 */
export const processors: Record<MediaKind, (input: ProcessInput) => Promise<ProcessedMedia>> = {
  image: async ({ path, sniffed }) => processImage(await readFile(path), { format: sniffed.format }),
  video: (input) => processVideo(input.path, avOptions(input)),
  audio: (input) => processAudio(input.path, avOptions(input)),
};
