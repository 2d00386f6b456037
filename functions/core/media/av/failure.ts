import { MediaRejected, type RejectionCode } from '../media';
import { ToolFailed } from './run';

/**
 * Turns a failed ffmpeg/ffprobe run into a named rejection when its stderr says the *input* is at fault.
 * Anything else (ffmpeg missing, disk full, a muxer error that is our bug) stays internal, so the job is
 * retried rather than blamed on the teacher's file.
 */

const DAMAGED = [
  /Invalid data found when processing input/i,
  /moov atom not found/i,
  /EBML header parsing failed/i,
  /could not find codec parameters/i,
  /error while decoding/i,
  /Invalid NAL unit/i,
  /Error splitting the input into NAL units/i,
  /partial file/i,
  /corrupt/i,
  /Truncating packet/i,
  /decoding for stream \d+ failed/i,
];
const UNSUPPORTED = [/Decoder \(.*\) not found/i, /Unknown decoder/i, /not currently supported/i, /Unsupported codec/i];

/** The rejection a tool's stderr points to, if it points to the input at all. */
export function classifyStderr(stderr: string): RejectionCode | undefined {
  if (UNSUPPORTED.some((pattern) => pattern.test(stderr))) return 'unsupported';
  if (DAMAGED.some((pattern) => pattern.test(stderr))) return 'damaged';
  return undefined;
}

/** Rethrows `error` as a {@link MediaRejected} when it is a tool failure caused by the input. */
export function asRejection(error: unknown): unknown {
  if (!(error instanceof ToolFailed)) return error;
  const code = classifyStderr(error.stderr);
  const detail = error.stderr.trim().split('\n').at(-1)?.slice(0, 200);
  return code ? new MediaRejected(code, detail) : error;
}
