import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaceStep } from '../faces/step';
import { processImage } from '../image/process';
import { MediaRejected, type ProcessedMedia } from '../media';
import type { AvJob } from './job';
import { posterArgs } from './video-profile';

/**
 * The photo pipeline as the poster needs it. Typed as a two-argument function so this compiles whether
 * `processImage` takes the format hint (`{ format: 'jpeg' }`, skipping sniffing) or only the bytes.
 */
const imagePipeline: (input: Buffer, options: { format: 'jpeg'; avif: false; faces?: FaceStep }) => Promise<ProcessedMedia> =
  processImage;

/**
 * Extracts one frame of the published MP4 as JPEG and runs it through the photo pipeline, so posters get
 * the same widths, formats, placeholder and dominant colour as photos. Falls back to the first frame
 * when seeking lands past the last one (clips whose container overstates their length). The job's face
 * step runs on the poster like on a photo: the poster is the one frame of a video whose faces are blurred.
 */
export async function makePoster(job: AvJob, video: string, durationSeconds: number | undefined): Promise<ProcessedMedia> {
  const jpeg = join(job.scratch, 'poster.jpg');
  await job.ffmpeg(posterArgs(video, jpeg, durationSeconds));
  if (!(await nonEmpty(jpeg))) await job.ffmpeg(posterArgs(video, jpeg, 0));
  if (!(await nonEmpty(jpeg))) throw new MediaRejected('damaged', 'no picture could be decoded');
  const image = await imagePipeline(await readFile(jpeg), { format: 'jpeg', avif: false, faces: job.faces });
  return { ...image, outputs: image.outputs.map((output) => ({ ...output, role: 'poster' as const })) };
}

const nonEmpty = (path: string) =>
  stat(path).then(
    (s) => s.size > 0,
    () => false,
  );
