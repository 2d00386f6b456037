import { MediaRejected } from '../media';
import type { AvProbe } from './probe';

/**
 * Checks on the published output, which catch what the input's header could not promise.
 * @throws MediaRejected `too_long` when a file that hid its length ran past `maxSeconds` (ffmpeg stopped
 *   it at just over the limit); `damaged` when the output is much shorter than the input claimed — the
 *   decoder hit the end of a truncated file and ffmpeg, by design, kept what it had.
 */
export function checkOutputDuration(input: AvProbe, produced: number, maxSeconds: number): number {
  if (produced > maxSeconds) throw new MediaRejected('too_long', `over ${maxSeconds} s`);
  const promised = input.durationSeconds;
  // 10% and half a second of slack: encoder priming, edit lists and rounded container durations.
  if (promised !== undefined && produced < promised * 0.9 - 0.5) {
    throw new MediaRejected('damaged', `only ${produced.toFixed(1)} of ${promised.toFixed(1)} s could be decoded`);
  }
  if (produced <= 0) throw new MediaRejected('damaged', 'nothing could be decoded');
  return produced;
}

/** @throws MediaRejected `too_long` when the container states a duration over the limit. */
export function checkInputDuration(probe: AvProbe, maxSeconds: number): void {
  if ((probe.durationSeconds ?? 0) > maxSeconds) {
    throw new MediaRejected('too_long', `${Math.round(probe.durationSeconds ?? 0)} s, limit ${maxSeconds} s`);
  }
}
