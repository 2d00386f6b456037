import { execFile } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { probeFile } from '../functions/core/media/av/job';
import { processAudio, processVideo } from '../functions/core/media/av/process';
import { Deadline } from '../functions/core/media/av/run';
import { videoTranscodeArgs } from '../functions/core/media/av/video-profile';
import avSegmentsBench from './av-segments';

/**
 * Audio/video processing benchmark: a 60 s 1080p30 phone-like clip (H.264 with a portrait rotation, and
 * HEVC) and a 60 s voice-like recording, each timed through `processVideo`/`processAudio` and compared,
 * in the same run, with ffmpeg decoding the same input to nowhere (`ffmpeg -i in -f null -`).
 *
 * For video a third figure bounds what any x264 setting could reach here: our own transcode command with
 * only the preset changed to `ultrafast` (no CABAC, no deblocking, no B-frames, no lookahead) — the
 * fastest libx264 encodes, at several times the bytes. If that floor misses the target, no choice of
 * preset meets it on this machine without giving parents much larger files (docs/media.md).
 *
 * Peak memory: every ffmpeg the processor starts is run through a wrapper script that `exec`s
 * `/usr/bin/time -f %M`, which reports the child's maximum resident set (getrusage of the waited child).
 * The worker's own peak is `process.resourceUsage().maxRSS` (this Node process, including sharp for the
 * poster). ffmpeg and Node run one after the other, so the worker's peak is at most the sum.
 *
 * Inputs are generated once with ffmpeg (testsrc2 + sine; pink noise + tremolo for the voice) and kept in
 * the temp directory between runs, because encoding a minute of 1080p HEVC takes about as long as the
 * rest of the benchmark.
 *
 * Run: `npm run bench av`.
 */

const exec = promisify(execFile);
const SECONDS = 60;
const TARGETS = { videoRealtime: 3, audioRealtime: 50, peakRssMb: 600 };

interface Input {
  name: string;
  kind: 'video' | 'audio';
  path: string;
}

async function exists(path: string) {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function ffmpeg(args: string[]) {
  await exec('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { maxBuffer: 1 << 24 });
}

/** Generates (or reuses) the three inputs. Written to a temp name first so an interrupted run is not reused. */
async function inputs(dir: string): Promise<Input[]> {
  await mkdir(dir, { recursive: true });
  const make = async (name: string, build: (tmp: string) => Promise<void>) => {
    const path = join(dir, name);
    if (!(await exists(path))) {
      const tmp = join(dir, `partial-${name}`);
      console.log(`generating ${name} …`);
      await build(tmp);
      await rename(tmp, path);
    }
    return path;
  };
  const picture = ['-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${SECONDS}`];
  const sound = ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`];
  const h264 = await make('phone-h264-rot90.mp4', async (tmp) => {
    const plain = `${tmp}.plain.mp4`;
    // High profile at ≈ 12 Mb/s with AAC, as phones record; then a display rotation, as a portrait clip has.
    await ffmpeg(
      [...picture, ...sound, '-c:v', 'libx264', '-preset', 'superfast', '-profile:v', 'high', '-b:v', '12M'].concat([
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        '-ac',
        '2',
        '-f',
        'mp4',
        plain,
      ]),
    );
    await ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-f', 'mp4', tmp]);
    await rm(plain);
  });
  const hevc = await make('phone-hevc.mp4', (tmp) =>
    ffmpeg(
      [...picture, ...sound, '-c:v', 'libx265', '-preset', 'ultrafast', '-b:v', '8M', '-tag:v', 'hvc1'].concat([
        '-x265-params',
        'log-level=error',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        '-ac',
        '2',
        '-f',
        'mp4',
        tmp,
      ]),
    ),
  );
  const voice = await make('voice.m4a', (tmp) =>
    // Pink noise and a low tone, amplitude-modulated at a syllable rate: speech-like loudness movement.
    ffmpeg([
      ...['-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.3:sample_rate=48000:duration=${SECONDS}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=180:sample_rate=48000:duration=${SECONDS}`],
      ...['-filter_complex', '[0][1]amix=inputs=2,tremolo=f=4:d=0.9,volume=0.4', '-ac', '1'],
      ...['-c:a', 'aac', '-b:a', '64k', '-f', 'ipod', tmp],
    ]),
  );
  return [
    { name: '1080p30 H.264, rotated', kind: 'video', path: h264 },
    { name: '1080p30 HEVC', kind: 'video', path: hevc },
    { name: 'voice (AAC mono)', kind: 'audio', path: voice },
  ];
}

/** A stand-in for ffmpeg that records each run's peak RSS (KB) in `log`. */
async function measuringFfmpeg(dir: string, log: string): Promise<string> {
  const wrapper = join(dir, 'ffmpeg-measured.sh');
  await writeFile(wrapper, `#!/bin/sh\nexec /usr/bin/time -f '%M' -a -o '${log}' ffmpeg "$@"\n`);
  await chmod(wrapper, 0o755);
  return wrapper;
}

async function peakKb(log: string): Promise<number> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return Math.max(0, ...text.split('\n').map((line) => Number.parseInt(line, 10) || 0));
}

async function decodeOnly(path: string, log: string): Promise<{ seconds: number; rssKb: number }> {
  await rm(log, { force: true });
  const start = performance.now();
  await exec('/usr/bin/time', ['-f', '%M', '-o', log, 'ffmpeg', '-nostdin', '-v', 'error', '-i', path, '-f', 'null', '-']);
  return { seconds: (performance.now() - start) / 1000, rssKb: await peakKb(log) };
}

/** Our transcode of `path` with only the x264 preset swapped for `ultrafast`: the speed floor. */
async function ultrafastFloor(path: string, workDir: string): Promise<{ seconds: number; bytes: number }> {
  const probe = await probeFile('ffprobe', path, new Deadline(60_000));
  if (!probe.video) throw new Error(`${path} has no video`);
  const output = join(workDir, 'floor.mp4');
  const args = videoTranscodeArgs({ ...probe, video: probe.video }, path, output);
  args[args.indexOf('-preset') + 1] = 'ultrafast';
  const start = performance.now();
  await exec('ffmpeg', args, { maxBuffer: 1 << 24 });
  const seconds = (performance.now() - start) / 1000;
  const { size } = await stat(output);
  await rm(output);
  return { seconds, bytes: size };
}

/** Runs the benchmark and prints one table. */
export default async function avBench(): Promise<void> {
  const dir = join(tmpdir(), 'corridor-av-bench-v1');
  const all = await inputs(dir);
  const work = await mkdtemp(join(tmpdir(), 'corridor-av-bench-work-'));
  const log = join(work, 'rss.log');
  const ffmpegPath = await measuringFfmpeg(work, log);
  const rows: string[][] = [];
  let worst = { video: Number.POSITIVE_INFINITY, audio: Number.POSITIVE_INFINITY, rssMb: 0 };
  try {
    for (const input of all) {
      const decode = await decodeOnly(input.path, log);
      await rm(log, { force: true });
      const start = performance.now();
      const processor = input.kind === 'video' ? processVideo : processAudio;
      const result = await processor(input.path, { workDir: work, ffmpegPath });
      const seconds = (performance.now() - start) / 1000;
      const ffmpegMb = (await peakKb(log)) / 1024;
      const nodeMb = process.resourceUsage().maxRSS / 1024;
      const realtime = (result.durationSeconds ?? 0) / seconds;
      worst = {
        video: input.kind === 'video' ? Math.min(worst.video, realtime) : worst.video,
        audio: input.kind === 'audio' ? Math.min(worst.audio, realtime) : worst.audio,
        rssMb: Math.max(worst.rssMb, ffmpegMb + nodeMb),
      };
      const out = result.outputs.find((o) => o.role === 'video' || o.role === 'audio');
      const floor = input.kind === 'video' ? await ultrafastFloor(input.path, work) : undefined;
      rows.push([
        input.name,
        `${result.durationSeconds?.toFixed(1)} s`,
        `${seconds.toFixed(2)} s`,
        `${realtime.toFixed(1)}×`,
        `${decode.seconds.toFixed(2)} s`,
        `${(seconds / decode.seconds).toFixed(2)}×`,
        `${ffmpegMb.toFixed(0)} MB`,
        `${nodeMb.toFixed(0)} MB`,
        `${out?.width ? `${out.width}×${out.height} ` : ''}${((out?.bytes.length ?? 0) / 1e6).toFixed(1)} MB`,
        floor
          ? `${(SECONDS / floor.seconds).toFixed(1)}× · ${(floor.bytes / 1e6).toFixed(1)} MB (${(floor.bytes / (out?.bytes.length ?? 1)).toFixed(1)}× bytes)`
          : '—',
      ]);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const header = [
    'input',
    'length',
    'process',
    '× realtime',
    'decode-only',
    'process/decode',
    'ffmpeg RSS',
    'node RSS',
    'output',
    'x264 ultrafast floor',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\naudio/video processing (${SECONDS} s inputs, ${cpus().length} cores)`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  console.log(
    `targets: video ≥ ${TARGETS.videoRealtime}× realtime: ${worst.video.toFixed(1)}× ${verdict(worst.video >= TARGETS.videoRealtime)}; ` +
      `audio ≥ ${TARGETS.audioRealtime}×: ${worst.audio.toFixed(1)}× ${verdict(worst.audio >= TARGETS.audioRealtime)}; ` +
      `peak RSS (ffmpeg + node) ≤ ${TARGETS.peakRssMb} MB: ${worst.rssMb.toFixed(0)} MB ${verdict(worst.rssMb <= TARGETS.peakRssMb)}`,
  );
  // Issue 20: the 4-minute newsletter, one job against the pieces (bench/av-segments.ts).
  await avSegmentsBench();
}
