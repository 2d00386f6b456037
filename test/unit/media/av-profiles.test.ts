import { describe, expect, it, vi } from 'vitest';
import {
  audioEncodeArgs,
  gainFor,
  loudnessMeasureArgs,
  parseIntegratedLoudness,
} from '../../../functions/core/media/av/audio-profile';
import { checkOutputDuration } from '../../../functions/core/media/av/checks';
import { classifyStderr } from '../../../functions/core/media/av/failure';
import { displaySize, fitWithin } from '../../../functions/core/media/av/geometry';
import { MAX_GAIN_DB, MAX_VIDEO_SECONDS, PEAK_COUNT } from '../../../functions/core/media/av/limits';
import { PeakAccumulator, peaksJson } from '../../../functions/core/media/av/peaks';
import { type AvProbe, parseProbe, rotationOf, type VideoStream } from '../../../functions/core/media/av/probe';
import { ProgressReporter, parseOutTime } from '../../../functions/core/media/av/progress';
import { planVideo, posterArgs, videoRemuxArgs, videoTranscodeArgs } from '../../../functions/core/media/av/video-profile';
import { MediaRejected } from '../../../functions/core/media/media';

/** Pure pieces of the audio/video processor: no ffmpeg runs in this file. */

const video = (overrides: Partial<VideoStream> = {}): VideoStream => ({
  index: 0,
  codec: 'h264',
  profile: 'High',
  width: 640,
  height: 360,
  pixFmt: 'yuv420p',
  rotation: 0,
  sampleAspect: 1,
  frameRate: 30,
  ...overrides,
});

const compatible = (overrides: Partial<AvProbe> = {}, videoOverrides: Partial<VideoStream> = {}) =>
  ({
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    durationSeconds: 10,
    bitRate: 2_000_000,
    audio: { index: 1, codec: 'aac', profile: 'LC', channels: 2, sampleRate: 48_000 },
    ...overrides,
    video: video(videoOverrides),
  }) satisfies AvProbe;

describe('ffprobe JSON', () => {
  const iphone = {
    streams: [
      { index: 0, codec_type: 'audio', codec_name: 'aac', profile: 'LC', channels: 1, sample_rate: '44100' },
      {
        index: 1,
        codec_type: 'video',
        codec_name: 'h264',
        profile: 'High',
        width: 568,
        height: 320,
        pix_fmt: 'yuv420p',
        sample_aspect_ratio: '1:1',
        avg_frame_rate: '72000/2401',
        side_data_list: [{ side_data_type: 'Display Matrix', displaymatrix: '…', rotation: -90 }],
      },
      { index: 2, codec_type: 'data', tags: { handler_name: 'Core Media Metadata' } },
    ],
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '4.001667', bit_rate: '878404' },
  };

  it('reads streams by absolute index, numbers from strings, and rotation as clockwise degrees', () => {
    const probe = parseProbe(iphone);
    expect(probe.durationSeconds).toBeCloseTo(4.0017, 3);
    expect(probe.video).toMatchObject({ index: 1, width: 568, height: 320, rotation: 90, sampleAspect: 1 });
    expect(probe.video?.frameRate).toBeCloseTo(29.99, 2);
    expect(probe.audio).toMatchObject({ index: 0, codec: 'aac', channels: 1, sampleRate: 44_100 });
  });

  it('skips attached pictures (WebM/MP3 cover art) when choosing the video stream', () => {
    const probe = parseProbe({
      streams: [
        { index: 0, codec_type: 'video', codec_name: 'mjpeg', width: 512, height: 725, disposition: { attached_pic: 1 } },
        { index: 1, codec_type: 'audio', codec_name: 'opus', channels: 1, sample_rate: '48000' },
      ],
      format: { format_name: 'matroska,webm' },
    });
    expect(probe.video).toBeUndefined();
    expect(probe.audio?.index).toBe(1);
    // MediaRecorder WebM states no duration: it stays unknown rather than becoming 0.
    expect(probe.durationSeconds).toBeUndefined();
  });

  it('accepts "N/A" numbers and rejects JSON that is not ffprobe-shaped', () => {
    expect(parseProbe({ streams: [], format: { duration: 'N/A' } }).durationSeconds).toBeUndefined();
    expect(() => parseProbe({ streams: 'nope' })).toThrow();
  });

  it.each([
    [{ side_data_list: [{ rotation: -90 }] }, 90],
    [{ side_data_list: [{ rotation: 90 }] }, 270],
    [{ side_data_list: [{ rotation: 180 }] }, 180],
    [{ side_data_list: [{ rotation: -180 }] }, 180],
    [{ tags: { rotate: '90' } }, 90],
    [{ tags: { rotate: '270' } }, 270],
    [{}, 0],
  ])('rotation of %j is %i° clockwise', (stream, expected) => {
    expect(rotationOf(stream)).toBe(expected);
  });
});

describe('scaling math', () => {
  it.each([
    [
      { width: 1920, height: 1080 },
      { width: 1280, height: 720 },
    ],
    [
      { width: 1080, height: 1920 },
      { width: 720, height: 1280 },
    ],
    [
      { width: 3840, height: 2160 },
      { width: 1280, height: 720 },
    ],
    [
      { width: 4000, height: 3000 },
      { width: 960, height: 720 },
    ],
    [
      { width: 1000, height: 1000 },
      { width: 720, height: 720 },
    ],
    [
      { width: 640, height: 360 },
      { width: 640, height: 360 },
    ],
    [
      { width: 176, height: 144 },
      { width: 176, height: 144 },
    ],
    // Odd sides go down to even, never up.
    [
      { width: 641, height: 361 },
      { width: 640, height: 360 },
    ],
    // Ultra-wide: the width binds.
    [
      { width: 2560, height: 1080 },
      { width: 1280, height: 540 },
    ],
  ])('%j fits as %j (never upscaled, even sides)', (size, expected) => {
    expect(fitWithin(size)).toEqual(expected);
  });

  it('display size turns 90°/270° rotations and stretches non-square pixels', () => {
    expect(displaySize(video({ width: 568, height: 320, rotation: 90 }))).toEqual({ width: 320, height: 568 });
    expect(displaySize(video({ width: 1280, height: 720, rotation: 270 }))).toEqual({ width: 720, height: 1280 });
    expect(displaySize(video({ width: 1920, height: 1080, rotation: 180 }))).toEqual({ width: 1920, height: 1080 });
    expect(displaySize(video({ width: 176, height: 144, sampleAspect: 12 / 11 }))).toEqual({ width: 192, height: 144 });
  });
});

describe('pass-through decision', () => {
  it('copies H.264 High + AAC-LC within 720p, upright, square pixels, modest bitrate', () => {
    expect(planVideo(compatible())).toEqual({ mode: 'copy', size: { width: 640, height: 360 } });
    expect(planVideo(compatible({ audio: undefined })).mode).toBe('copy');
    expect(planVideo(compatible({}, { width: 720, height: 1280 })).mode).toBe('copy');
  });

  it.each([
    ['HEVC', {}, { codec: 'hevc', profile: 'Main' }, /video codec hevc/],
    ['H.264 High 4:4:4', {}, { profile: 'High 4:4:4 Predictive' }, /profile/],
    ['10-bit', {}, { pixFmt: 'yuv420p10le' }, /pixel format/],
    ['a rotated clip', {}, { rotation: 90 as const }, /rotation 90/],
    ['1080p', {}, { width: 1920, height: 1080 }, /scale to 1280x720/],
    ['odd sides', {}, { width: 641, height: 361 }, /scale/],
    ['non-square pixels', {}, { sampleAspect: 12 / 11 }, /non-square/],
    ['slow motion', {}, { frameRate: 240 }, /240 fps/],
    ['a high bitrate', { bitRate: 20_000_000 }, {}, /20000 kb\/s/],
    ['an unknown bitrate', { bitRate: undefined }, {}, /unknown bitrate/],
    ['Opus audio', { audio: { index: 1, codec: 'opus', channels: 2 } }, {}, /audio opus/],
    ['5.1 AAC', { audio: { index: 1, codec: 'aac', profile: 'LC', channels: 6 } }, {}, /6 ch/],
  ])('transcodes %s', (_name, probeOverrides, videoOverrides, reason) => {
    const plan = planVideo(compatible(probeOverrides as Partial<AvProbe>, videoOverrides as Partial<VideoStream>));
    expect(plan.mode).toBe('transcode');
    expect(plan.mode === 'transcode' && plan.reasons.join('; ')).toMatch(reason);
  });
});

describe('video arguments', () => {
  const portrait = compatible({}, { width: 1920, height: 1080, rotation: 90, index: 2 });

  it('transcode maps the chosen streams by index, scales to the upright box and strips metadata', () => {
    const args = videoTranscodeArgs(portrait, 'in.mov', 'out.mp4');
    const joined = args.join(' ');
    expect(joined).toContain('-map 0:2 -map 0:1');
    expect(joined).toMatch(/-vf scale=720:1280:/);
    expect(joined).toContain('-c:v libx264');
    expect(joined).toContain('-c:a aac');
    expect(joined).toContain('-map_metadata -1');
    expect(joined).toContain('-map_chapters -1');
    expect(joined).toContain('-dn');
    expect(joined).toContain('-movflags +faststart');
    // Autorotate does the turning and clears the display matrix; -noautorotate would leave it in.
    expect(args).not.toContain('-noautorotate');
    expect(args.at(-1)).toBe('out.mp4');
    expect(args.indexOf('-t')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-t') + 1]).toBe(String(MAX_VIDEO_SECONDS + 1));
  });

  it('transcode without audio maps none, and lifts odd sample rates', () => {
    expect(videoTranscodeArgs(compatible({ audio: undefined }), 'i', 'o').join(' ')).not.toContain('-c:a');
    const amr = videoTranscodeArgs(compatible({ audio: { index: 1, codec: 'amr_nb', channels: 1, sampleRate: 8000 } }), 'i', 'o');
    expect(amr.join(' ')).toContain('-ar 48000');
    expect(amr.join(' ')).toContain('-ac 1');
  });

  it('remux copies streams and still strips metadata', () => {
    const joined = videoRemuxArgs(compatible(), 'in.mp4', 'out.mp4').join(' ');
    expect(joined).toContain('-c copy');
    expect(joined).toContain('-map_metadata -1');
    expect(joined).toContain('-movflags +faststart');
  });

  it('poster is taken at 1 s, or the middle of a short clip', () => {
    const at = (duration: number | undefined) => {
      const args = posterArgs('v.mp4', 'p.jpg', duration);
      return Number(args[args.indexOf('-ss') + 1]);
    };
    expect(at(60)).toBe(1);
    expect(at(undefined)).toBe(1);
    expect(at(1.3)).toBeCloseTo(0.65, 3);
  });
});

describe('loudness', () => {
  const summary = `[Parsed_ebur128_0 @ 0x5594387009c0] Summary:

  Integrated loudness:
    I:         -36.8 LUFS
    Threshold: -46.8 LUFS

  Loudness range:
    LRA:         0.1 LU`;

  it('reads the integrated loudness from the ebur128 summary', () => {
    expect(parseIntegratedLoudness(summary)).toBeCloseTo(-36.8, 3);
    expect(parseIntegratedLoudness(summary.replace('-36.8', '-70.0'))).toBeUndefined();
    expect(parseIntegratedLoudness('nothing here')).toBeUndefined();
  });

  it('gains towards -16 LUFS within limits, and leaves silence alone', () => {
    expect(gainFor(-30)).toBeCloseTo(14, 6);
    expect(gainFor(-5)).toBeCloseTo(-11, 6);
    expect(gainFor(-60)).toBe(MAX_GAIN_DB);
    expect(gainFor(undefined)).toBe(0);
  });

  it('measures, then encodes AAC in M4A with gain, limiter and a PCM copy on fd 3', () => {
    expect(loudnessMeasureArgs({ index: 3 }, 'in.wav').join(' ')).toMatch(/-map 0:3 -af ebur128.* -f null -$/);
    const args = audioEncodeArgs({ index: 0, channels: 1 }, 'in.opus', 'out.m4a', 14);
    const joined = args.join(' ');
    expect(joined).toContain('volume=14.00dB');
    expect(joined).toContain('alimiter=');
    expect(joined).toContain('-c:a aac -aac_coder fast -b:a 64k');
    expect(joined).toContain('-map_metadata -1');
    expect(args.at(-1)).toBe('pipe:3');
    expect(audioEncodeArgs({ index: 0, channels: 2 }, 'i', 'o', 0).join(' ')).toContain('-b:a 128k');
  });
});

describe('waveform peaks', () => {
  const pcm = (samples: number[]) => {
    const buffer = Buffer.alloc(samples.length * 2);
    samples.forEach((sample, i) => {
      buffer.writeInt16LE(sample, i * 2);
    });
    return buffer;
  };

  it('folds 10 ms block peaks into at most PEAK_COUNT bars in [0, 1], across odd chunk splits', () => {
    const accumulator = new PeakAccumulator(8000);
    // Two seconds: the first silent, the second at full negative scale.
    const bytes = pcm([...new Array(8000).fill(0), ...new Array(8000).fill(-32768)]);
    accumulator.push(bytes.subarray(0, 3));
    accumulator.push(bytes.subarray(3, 10_001));
    accumulator.push(bytes.subarray(10_001));
    const peaks = accumulator.peaks();
    expect(peaks).toHaveLength(PEAK_COUNT);
    expect(peaks[0]).toBe(0);
    expect(peaks.at(-1)).toBe(1);
    expect(peaks.every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('gives fewer bars for very short audio, and a small JSON', () => {
    const accumulator = new PeakAccumulator(8000);
    accumulator.push(pcm(new Array(400).fill(16384)));
    const peaks = accumulator.peaks();
    expect(peaks).toHaveLength(5);
    expect(peaks[0]).toBeCloseTo(0.5, 2);
    const json = JSON.parse(peaksJson(peaks, 0.05).toString());
    expect(json).toEqual({ version: 1, durationSeconds: 0.05, peaks });
  });
});

describe('progress', () => {
  it('parses out_time_us from -progress lines', () => {
    expect(parseOutTime('out_time_us=1500000')).toBe(1.5);
    expect(parseOutTime('out_time_ms=2000000')).toBe(2);
    expect(parseOutTime('out_time_us=N/A')).toBeUndefined();
    expect(parseOutTime('frame=12')).toBeUndefined();
  });

  it('reports whole, increasing percents, one call in flight, surviving a failing callback', async () => {
    const seen: number[] = [];
    let release: () => void = () => {};
    const callback = vi.fn(async (percent: number) => {
      seen.push(percent);
      if (percent === 0) await new Promise<void>((resolve) => (release = resolve));
      if (percent === 50) throw new Error('DynamoDB hiccup');
    });
    const reporter = new ProgressReporter(callback);
    const line = reporter.step(0, 50, 10);
    line('out_time_us=1000000'); // 5%, while 0% is still in flight
    line('out_time_us=2000000'); // 10% supersedes it
    line('out_time_us=1000000'); // going backwards is ignored
    release();
    await reporter.flush();
    line('out_time_us=10000000');
    reporter.report(49.9);
    await reporter.flush();
    reporter.report(100);
    await reporter.flush();
    expect(seen).toEqual([0, 10, 50, 100]);
  });
});

describe('classification', () => {
  it.each([
    ['/tmp/x.mov: Invalid data found when processing input', 'damaged'],
    ['[mov,mp4] moov atom not found', 'damaged'],
    ['Error while decoding stream #0:0: Invalid data found', 'damaged'],
    ['Decoder (codec none) not found for input stream #0:0', 'unsupported'],
    ['No space left on device', undefined],
  ])('%s → %s', (stderr, code) => {
    expect(classifyStderr(stderr)).toBe(code);
  });

  it('output duration: too long, truncated, or fine', () => {
    const input = { formatName: 'mp4', durationSeconds: 10 };
    expect(checkOutputDuration(input, 10.02, 600)).toBeCloseTo(10.02, 6);
    expect(() => checkOutputDuration(input, 4.9, 600)).toThrow(MediaRejected);
    const unknown = { formatName: 'webm' };
    expect(() => checkOutputDuration(unknown, 601, 600)).toThrow(/too long/);
  });
});
