import { join } from 'node:path';
import { MediaRejected, type ProcessedMedia } from '../media';
import { publishAudio } from './audio';
import { asRejection } from './failure';
import { type AvJob, type AvOptions, checkSize, probeFile, withJob } from './job';
import { DEFAULT_TIME_BUDGET_MS, MAX_AUDIO_BYTES, MAX_VIDEO_BYTES } from './limits';
import type { AvProbe } from './probe';
import { Deadline } from './run';
import { type SplitPolicy, type SplitVideo, shouldSplit, splitVideo } from './segments';
import { publishVideo } from './video';

/**
 * The audio/video processor the media worker calls for uploads sniffed as `video` or `audio`.
 *
 * What a file *is* is decided by its streams, not by the sniff: a WebM or MP4 holding only audio
 * (MediaRecorder's voice notes) is published as audio by {@link processVideo}, which delegates, so the
 * result's `kind` is the truth. {@link probeKind} answers the same question up front for callers
 * that want it before choosing.
 */

export type { AvOptions } from './job';
export * from './limits';
export type { SplitPolicy, SplitVideo } from './segments';

/**
 * Publishes a video upload (MOV/MP4/WebM/3GP): upright H.264/AAC MP4 within 1280×720, `+faststart`,
 * no metadata, a poster through the photo pipeline. Audio-only files come back as `kind: 'audio'`.
 * @throws MediaRejected for input at fault (`too_large`, `too_long`, `too_many_pixels`, `damaged`,
 *   `unsupported`, `timed_out`); any other error is internal and worth a retry.
 */
export function processVideo(inputPath: string, options: AvOptions): Promise<ProcessedMedia> {
  return withJob(options, async (job) => {
    await checkSize(inputPath, MAX_VIDEO_BYTES);
    return publishProbed(job, inputPath, await job.probe(inputPath));
  });
}

async function publishProbed(job: AvJob, inputPath: string, probe: AvProbe): Promise<ProcessedMedia> {
  if (hasVideo(probe)) return publishVideo(job, inputPath, probe);
  if (hasAudio(probe)) {
    await checkSize(inputPath, MAX_AUDIO_BYTES);
    return publishAudio(job, inputPath, probe);
  }
  throw new MediaRejected('damaged', 'no audio or video streams');
}

/**
 * As {@link processVideo}, except that a video longer than `policy.afterSeconds` that needs a re-encode
 * is only split (segments.ts): its pieces and sound are left in `<workDir>/pieces` for the caller to
 * encode in parallel and join.
 */
export function processVideoOrSplit(
  inputPath: string,
  options: AvOptions,
  policy: SplitPolicy,
): Promise<ProcessedMedia | SplitVideo> {
  return withJob<ProcessedMedia | SplitVideo>(options, async (job) => {
    await checkSize(inputPath, MAX_VIDEO_BYTES);
    const probe = await job.probe(inputPath);
    if (hasVideo(probe) && shouldSplit(probe, policy)) {
      return splitVideo(job, inputPath, probe, policy, join(options.workDir, 'pieces'));
    }
    return publishProbed(job, inputPath, probe);
  });
}

/**
 * Publishes a sound recording (M4A/AAC, MP3, Opus/Ogg, WAV, AMR, MediaRecorder WebM/MP4): AAC in M4A,
 * loudness-normalised to -16 LUFS, with waveform peaks. A picture stream, if any, is ignored.
 * @throws MediaRejected as {@link processVideo}; `mismatch` for a file with pictures but no sound.
 */
export function processAudio(inputPath: string, options: AvOptions): Promise<ProcessedMedia> {
  return withJob(options, async (job) => {
    await checkSize(inputPath, MAX_AUDIO_BYTES);
    const probe = await job.probe(inputPath);
    if (hasAudio(probe)) return publishAudio(job, inputPath, probe);
    if (hasVideo(probe)) throw new MediaRejected('mismatch', 'a video without sound was sent as audio');
    throw new MediaRejected('damaged', 'no audio streams');
  });
}

/**
 * Whether a file is, by its streams, a video (has a real picture stream; cover art does not count) or
 * audio. Only probes; nothing is decoded.
 * @throws MediaRejected `damaged` when ffprobe cannot read it or it has neither.
 */
export async function probeKind(
  inputPath: string,
  options: Pick<AvOptions, 'ffprobePath' | 'timeBudgetMs'> = {},
): Promise<'video' | 'audio'> {
  const deadline = new Deadline(options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  const probe = await probeFile(options.ffprobePath ?? 'ffprobe', inputPath, deadline).catch((error: unknown) => {
    throw asRejection(error);
  });
  if (hasVideo(probe)) return 'video';
  if (hasAudio(probe)) return 'audio';
  throw new MediaRejected('damaged', 'no audio or video streams');
}

const hasVideo = (probe: AvProbe): probe is AvProbe & { video: NonNullable<AvProbe['video']> } => probe.video !== undefined;
const hasAudio = (probe: AvProbe): probe is AvProbe & { audio: NonNullable<AvProbe['audio']> } => probe.audio !== undefined;
