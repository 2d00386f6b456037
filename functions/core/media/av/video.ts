import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaRejected, type ProcessedMedia } from '../media';
import { checkInputDuration, checkOutputDuration } from './checks';
import type { AvJob } from './job';
import { MAX_VIDEO_PIXELS, MAX_VIDEO_SECONDS } from './limits';
import { makePoster } from './poster';
import type { AvProbe, VideoStream } from './probe';
import { planVideo, videoRemuxArgs, videoTranscodeArgs } from './video-profile';

/** Share of the job's progress taken by the encode; the poster and photo pipeline take the rest. */
const ENCODE_SHARE = 90;

/**
 * Publishes a probed video: remux or transcode to a 720p-bounded H.264/AAC MP4, then a poster.
 * @throws MediaRejected `too_long`, `too_many_pixels`, `damaged`, `timed_out`.
 */
export async function publishVideo(job: AvJob, input: string, probe: AvProbe & { video: VideoStream }): Promise<ProcessedMedia> {
  checkVideoInput(probe);
  const plan = planVideo(probe);
  const output = join(job.scratch, 'video.mp4');
  const args = plan.mode === 'copy' ? videoRemuxArgs(probe, input, output) : videoTranscodeArgs(probe, input, output, plan.size);
  await job.ffmpeg(args, { onStdoutLine: job.progress.step(0, ENCODE_SHARE, probe.durationSeconds) });
  return finishVideo(job, output, probe.durationSeconds, ENCODE_SHARE);
}

/** @throws MediaRejected `too_long` or `too_many_pixels` before anything decodes the file. */
export function checkVideoInput(probe: AvProbe & { video: VideoStream }): void {
  checkInputDuration(probe, MAX_VIDEO_SECONDS);
  if (probe.video.width * probe.video.height > MAX_VIDEO_PIXELS) {
    throw new MediaRejected('too_many_pixels', `${probe.video.width}x${probe.video.height}`);
  }
}

/**
 * The published MP4's checks and the poster, shared by the single job and the join of a long video's
 * pieces: it must have a picture and (about) the length the source promised.
 */
export async function finishVideo(
  job: AvJob,
  output: string,
  promisedSeconds: number | undefined,
  encodedPercent: number,
): Promise<ProcessedMedia> {
  const published = await job.probe(output);
  if (!published.video) throw new MediaRejected('damaged', 'no picture could be decoded');
  const durationSeconds = checkOutputDuration(
    { formatName: 'source', durationSeconds: promisedSeconds },
    published.durationSeconds ?? 0,
    MAX_VIDEO_SECONDS,
  );
  job.progress.report(encodedPercent);

  const poster = await makePoster(job, output, durationSeconds);
  const { width, height } = published.video;
  return {
    kind: 'video',
    width,
    height,
    durationSeconds,
    placeholder: poster.placeholder,
    dominantColor: poster.dominantColor,
    faces: poster.faces,
    outputs: [
      { role: 'video', contentType: 'video/mp4', extension: 'mp4', bytes: await readFile(output), width, height },
      ...poster.outputs,
    ],
  };
}
