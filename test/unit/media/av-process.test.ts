import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VIDEO_BYTES, PEAK_COUNT } from '../../../functions/core/media/av/limits';
import { probeKind, processAudio, processVideo } from '../../../functions/core/media/av/process';
import { Deadline, run, ToolFailed } from '../../../functions/core/media/av/run';
import { MediaRejected, type ProcessedMedia, type RejectionCode } from '../../../functions/core/media/media';

/**
 * The audio/video processor against real phone files and real ffmpeg, judged by ffprobe and exiftool.
 * Every corpus video/audio file must publish playable, upright, metadata-free media or fail by name.
 */

const exec = promisify(execFile);
const corpus = (name: string) => fileURLToPath(new URL(`../../corpus/${name}`, import.meta.url));

// Private judges (the shared helper is another developer's file).
interface JudgedStream {
  codec_type: string;
  codec_name?: string;
  width?: number;
  height?: number;
  side_data_list?: { rotation?: number }[];
  tags?: Record<string, string>;
}
interface Judged {
  streams: JudgedStream[];
  format: { format_name: string; duration?: string; tags?: Record<string, string> };
}
const ffprobe = async (path: string): Promise<Judged> =>
  JSON.parse((await exec('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path])).stdout);
const exiftool = async (paths: string[]): Promise<Record<string, unknown>[]> =>
  JSON.parse((await exec('exiftool', ['-j', '-a', '-G1', '-ee', ...paths], { maxBuffer: 16 * 1024 * 1024 })).stdout);
const ffmpeg = (args: string[]) => exec('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args]);

/**
 * Names and values that would tell a stranger where, or on whose phone, a clip was made. An `encoder`
 * may remain only when it names our own encoder (ffprobe reports x264's compressor name that way).
 */
const FORBIDDEN_KEY = /gps|location|iso6709|©xyz|make$|model$|software$|author|artist|com\.android|com\.apple|creationdate/i;
const FORBIDDEN_VALUE = /iphone|android|nexus|samsung|voicememos|van maarten|\+\d{2}\.\d+[+-]\d{3}\.\d+/i;

let work: string;
const written: string[] = [];

/** Writes outputs to disk (for the judges) and checks none of them leaks location or device. */
async function judgeMetadata(name: string, result: ProcessedMedia) {
  const files: string[] = [];
  for (const [i, output] of result.outputs.entries()) {
    // The photo pipeline has its own tests; judging one poster variant per format is enough here.
    if (output.role === 'poster' && output.width !== result.outputs.find((o) => o.role === 'poster')?.width) continue;
    const file = join(work, `${name}.${i}.${output.extension}`);
    await writeFile(file, output.bytes);
    files.push(file);
  }
  written.push(...files);
  for (const tags of await exiftool(files)) {
    for (const [key, value] of Object.entries(tags)) {
      if (/^(SourceFile|System:|ExifTool:)/.test(key)) continue;
      expect(key, `${name}: exiftool ${key}=${value}`).not.toMatch(FORBIDDEN_KEY);
      expect(String(value), `${name}: exiftool ${key}`).not.toMatch(FORBIDDEN_VALUE);
    }
  }
  for (const file of files.filter((f) => /\.(mp4|m4a)$/.test(f))) {
    const probed = await ffprobe(file);
    for (const tags of [probed.format.tags ?? {}, ...probed.streams.map((s) => s.tags ?? {})]) {
      for (const [key, value] of Object.entries(tags)) {
        expect(key, `${name}: ffprobe tag ${key}`).not.toMatch(FORBIDDEN_KEY);
        expect(value, `${name}: ffprobe tag ${key}`).not.toMatch(FORBIDDEN_VALUE);
        if (/encoder/i.test(key)) expect(value).toMatch(/^Lav[cf]/);
      }
    }
    expect(probed.streams.map((s) => s.codec_type).filter((t) => t !== 'video' && t !== 'audio')).toEqual([]);
  }
  return files;
}

async function expectRejected(promise: Promise<unknown>, code: RejectionCode) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected MediaRejected(${code})`).toBeInstanceOf(MediaRejected);
  expect((error as MediaRejected).code).toBe(code);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'corridor-av-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('corpus videos publish upright, 720p-bounded H.264/AAC MP4 without metadata', () => {
  it.each([
    // [file, expected width, height, has audio]
    ['video_iphone6_h264_rot90_gps.mov', 320, 568, true],
    ['video_android6_h264_gps.mp4', 1280, 720, true],
    ['video_3gp5_h264_rot90.mp4', 720, 1280, true],
    ['video_vp8_vorbis_bbb.webm', 640, 360, true],
    ['video_3gpp_h263_amr.3gp', 192, 144, true],
  ] as const)('%s → %i×%i', async (name, width, height, hasAudio) => {
    const source = await ffprobe(corpus(name));
    const progress: number[] = [];
    const result = await processVideo(corpus(name), { workDir: work, onProgress: (percent) => void progress.push(percent) });
    expect(result).toMatchObject({ kind: 'video', width, height });
    // Progress: whole percents, strictly increasing, ending at 100.
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.every((p, i) => Number.isInteger(p) && (i === 0 || p > progress[i - 1]!))).toBe(true);
    expect(progress.at(-1)).toBe(100);
    expect(result.durationSeconds).toBeCloseTo(Number(source.format.duration), 0);

    const files = await judgeMetadata(name, result);
    const published = await ffprobe(files[0]!);
    expect(published.format.format_name).toContain('mp4');
    const [video, ...others] = published.streams.filter((s) => s.codec_type === 'video');
    expect(others).toEqual([]); // WebM cover art is not carried along.
    expect(video).toMatchObject({ codec_name: 'h264', width, height });
    // Upright in the pixels: no display matrix left for a player to apply (or ignore).
    expect(video?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0).toBe(0);
    expect(published.streams.filter((s) => s.codec_type === 'audio').map((s) => s.codec_name)).toEqual(hasAudio ? ['aac'] : []);

    const posters = result.outputs.filter((o) => o.role === 'poster');
    expect(posters.length).toBeGreaterThanOrEqual(2);
    expect(new Set(posters.map((p) => p.contentType))).toEqual(new Set(['image/jpeg', 'image/webp']));
    for (const poster of posters) expect(poster.width! > poster.height!).toBe(width > height);
    expect(result.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('corpus recordings publish loudness-normalised AAC in M4A with peaks', () => {
  it.each([
    'audio_iphone_voice_memo.m4a',
    'audio_mp3_lame_vbr.mp3',
    'audio_opus_mono.opus',
    'audio_pcm16_stereo.wav',
    'audio_amr_nb.amr',
  ])('%s', async (name) => {
    const source = await ffprobe(corpus(name));
    const result = await processAudio(corpus(name), { workDir: work });
    expect(result.kind).toBe('audio');
    expect(result.durationSeconds).toBeCloseTo(Number(source.format.duration), 0);
    expect(result.outputs.map((o) => o.role)).toEqual(['audio', 'peaks']);

    const [audioFile] = await judgeMetadata(name, result);
    const published = await ffprobe(audioFile!);
    expect(published.format.tags?.major_brand?.trim()).toBe('M4A');
    expect(published.streams.map((s) => s.codec_name)).toEqual(['aac']);

    const peaks = JSON.parse(result.outputs[1]!.bytes.toString());
    expect(peaks.peaks.length).toBeGreaterThan(50);
    expect(peaks.peaks.length).toBeLessThanOrEqual(PEAK_COUNT);
    expect(peaks.peaks.every((p: number) => p >= 0 && p <= 1)).toBe(true);
    expect(Math.max(...peaks.peaks)).toBeGreaterThan(0);
  });

  // A 300 Hz tone at -28 LUFS: 12 dB of gain, inside the +20 dB cap.
  it('normalises a quiet recording towards -16 LUFS', async () => {
    const quiet = join(work, 'quiet.wav');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=4:sample_rate=48000', '-af', 'volume=-6dB', quiet]);
    const result = await processAudio(quiet, { workDir: work });
    const file = join(work, 'quiet.m4a');
    await writeFile(file, result.outputs[0]!.bytes);
    const { stderr } = await exec('ffmpeg', [
      '-nostdin',
      '-hide_banner',
      '-nostats',
      '-i',
      file,
      '-af',
      'ebur128=framelog=verbose',
      '-f',
      'null',
      '-',
    ]);
    const integrated = Number(/I:\s*(-?[\d.]+) LUFS/.exec(stderr)?.[1]);
    expect(integrated).toBeGreaterThan(-17.5);
    expect(integrated).toBeLessThan(-14.5);
  });
});

describe('kind by streams', () => {
  it('an audio-only WebM (MediaRecorder, no stated duration) sent as video is published as audio', async () => {
    const webm = join(work, 'recorder.webm');
    // Written to a pipe, as a browser streams it: no duration, no cues.
    await exec('sh', [
      '-c',
      `ffmpeg -nostdin -v error -f lavfi -i sine=frequency=220:duration=3 -c:a libopus -f webm pipe:1 > ${webm}`,
    ]);
    expect(await probeKind(webm)).toBe('audio');
    const result = await processVideo(webm, { workDir: work });
    expect(result.kind).toBe('audio');
    expect(result.durationSeconds).toBeCloseTo(3, 0);
    expect(result.outputs.map((o) => o.role)).toEqual(['audio', 'peaks']);
  });

  it('a video with no sound sent as audio is a mismatch', async () => {
    const silent = join(work, 'silent.mp4');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=10:duration=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      silent,
    ]);
    expect(await probeKind(silent)).toBe('video');
    await expectRejected(processAudio(silent, { workDir: work }), 'mismatch');
  });
});

describe('pass-through', () => {
  it('remuxes a compatible clip without re-encoding, and still strips location and device', async () => {
    const phone = join(work, 'compatible.mov');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=2'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=48000'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2'],
      ...['-movflags', 'use_metadata_tags', '-metadata', 'com.apple.quicktime.location.ISO6709=+51.5072-000.1276/'],
      ...['-metadata', 'com.apple.quicktime.make=Apple', '-metadata', 'com.apple.quicktime.model=iPhone 15'],
      phone,
    ]);
    const before = await ffprobe(phone);
    expect(before.format.tags?.['com.apple.quicktime.model']).toBe('iPhone 15');

    const result = await processVideo(phone, { workDir: work });
    expect(result).toMatchObject({ kind: 'video', width: 640, height: 360 });
    const [published] = await judgeMetadata('compatible', result);
    // Same compressed video frames in and out: a stream copy, not a re-encode.
    const videoHash = async (path: string) =>
      (await exec('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-c', 'copy', '-f', 'md5', '-'])).stdout;
    expect(await videoHash(published!)).toBe(await videoHash(phone));
  });
});

describe('named failures', () => {
  it('a truncated file whose index is at the end is damaged', async () => {
    const truncated = join(work, 'truncated.mov');
    await copyFile(corpus('video_iphone6_h264_rot90_gps.mov'), truncated);
    await truncate(truncated, 200_000);
    await expectRejected(processVideo(truncated, { workDir: work }), 'damaged');
  });

  it('a truncated file whose index is at the start (decodes half) is damaged', async () => {
    const truncated = join(work, 'truncated.3gp');
    await copyFile(corpus('video_3gpp_h263_amr.3gp'), truncated);
    await truncate(truncated, 40_000);
    await expectRejected(processVideo(truncated, { workDir: work }), 'damaged');
  });

  it('garbage is damaged, and an empty file is empty', async () => {
    const garbage = join(work, 'garbage.mp4');
    await writeFile(garbage, Buffer.concat([Buffer.from('\0\0\0\x18ftypisom'), Buffer.alloc(4096, 0x5a)]));
    await expectRejected(processVideo(garbage, { workDir: work }), 'damaged');
    const empty = join(work, 'empty.m4a');
    await writeFile(empty, '');
    await expectRejected(processAudio(empty, { workDir: work }), 'empty');
  });

  it('a file over the byte limit is refused before it is read', async () => {
    const huge = join(work, 'huge.mp4');
    const handle = await open(huge, 'w');
    await handle.truncate(MAX_VIDEO_BYTES + 1); // sparse: no disk is used
    await handle.close();
    await expectRejected(processVideo(huge, { workDir: work }), 'too_large');
  });

  it('a video stating more than ten minutes is refused before it is decoded', async () => {
    const long = join(work, 'long.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'color=size=16x16:rate=1:duration=601', '-c:v', 'libx264', '-preset', 'ultrafast', long]);
    await expectRejected(processVideo(long, { workDir: work }), 'too_long');
  });

  it('a tiny time budget kills ffmpeg and refuses with timed_out', async () => {
    await expectRejected(processVideo(corpus('video_vp8_vorbis_bbb.webm'), { workDir: work, timeBudgetMs: 1 }), 'timed_out');
  });

  it('a missing ffmpeg is an internal error (retried), not the teacher’s fault', async () => {
    const error = await processVideo(corpus('video_vp8_vorbis_bbb.webm'), {
      workDir: work,
      ffprobePath: join(work, 'no-such-ffprobe'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(MediaRejected);
  });
});

describe('runner', () => {
  it('SIGKILLs a process that outlives the deadline', async () => {
    // An endless source: only the deadline can end it.
    const endless = run('ffmpeg', ['-nostdin', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2', '-f', 'null', '-'], {
      deadline: new Deadline(300),
    });
    await expectRejected(endless, 'timed_out');
  });

  it('reports a non-zero exit as ToolFailed with stderr', async () => {
    const failed = await run('ffmpeg', ['-v', 'error', '-i', join(work, 'nothing-here.mp4')], {
      deadline: new Deadline(10_000),
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ToolFailed);
    expect((failed as ToolFailed).stderr).toMatch(/No such file/);
  });
});

it('leaves nothing behind in the work directory', async () => {
  const leftovers = (await exec('find', [work, '-name', 'av-*'])).stdout.trim();
  expect(leftovers).toBe('');
  expect((await readFile(written[0]!)).length).toBeGreaterThan(0);
});
