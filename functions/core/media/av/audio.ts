import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaRejected, type ProcessedMedia } from '../media';
import { audioEncodeArgs, gainFor, loudnessMeasureArgs, PEAKS_SAMPLE_RATE, parseIntegratedLoudness } from './audio-profile';
import { checkInputDuration, checkOutputDuration } from './checks';
import type { AvJob } from './job';
import { MAX_AUDIO_SECONDS } from './limits';
import { PeakAccumulator, peaksJson } from './peaks';
import type { AudioStream, AvProbe } from './probe';

/** Share of the job's progress taken by the loudness measurement (a decode only) before the encode. */
const MEASURE_SHARE = 20;

/**
 * Publishes a probed recording: loudness-normalised AAC in M4A and its waveform peaks.
 * Any video stream (cover art, or the picture of a file announced as audio) is ignored.
 * @throws MediaRejected `too_long`, `damaged`, `timed_out`.
 */
export async function publishAudio(job: AvJob, input: string, probe: AvProbe & { audio: AudioStream }): Promise<ProcessedMedia> {
  checkInputDuration(probe, MAX_AUDIO_SECONDS);
  const duration = probe.durationSeconds;

  const measured = await job.ffmpeg(loudnessMeasureArgs(probe.audio, input), {
    onStdoutLine: job.progress.step(0, MEASURE_SHARE, duration),
  });
  const gainDb = gainFor(parseIntegratedLoudness(measured.stderr));

  const output = join(job.scratch, 'audio.m4a');
  const peaks = new PeakAccumulator(PEAKS_SAMPLE_RATE);
  await job.ffmpeg(audioEncodeArgs(probe.audio, input, output, gainDb), {
    onStdoutLine: job.progress.step(MEASURE_SHARE, 100, duration),
    onFd3: (chunk) => peaks.push(chunk),
  });

  // The peaks stream leaves the same filter graph as the encoded audio, so its length is the output's.
  if (peaks.seconds === 0) throw new MediaRejected('damaged', 'no sound could be decoded');
  const durationSeconds = checkOutputDuration(probe, peaks.seconds, MAX_AUDIO_SECONDS);
  return {
    kind: 'audio',
    durationSeconds,
    outputs: [
      { role: 'audio', contentType: 'audio/mp4', extension: 'm4a', bytes: await readFile(output) },
      { role: 'peaks', contentType: 'application/json', extension: 'json', bytes: peaksJson(peaks.peaks(), durationSeconds) },
    ],
  };
}
