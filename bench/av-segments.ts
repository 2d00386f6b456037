import { execFile } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withJob } from '../functions/core/media/av/job';
import { processVideo } from '../functions/core/media/av/process';
import { encodePiece, joinPieces, type SplitVideo, splitVideo } from '../functions/core/media/av/segments';
import { sizing } from '../infra/corridor';

/**
 * Segment-parallel video (issue 20): a 4-minute 1080p30 phone-like clip (H.264 High at ≈ 12 Mb/s, a
 * keyframe every 2 s, AAC, a portrait rotation) through the single job, and through the split, every
 * piece and the join — the very functions the jobs run — timed one after another on this machine.
 *
 * Each step's CPU time is every ffmpeg it started (user + system, through a `/usr/bin/time` wrapper)
 * plus this process's own (sharp making the poster). The **modelled AWS latency** is split + slowest
 * piece + join, each job on its own Lambda of `sizing.segments.memory`: Lambda gives one vCPU per
 * 1,769 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html), so 3,008 MB is
 * 1.70 vCPU, and a job there takes its CPU time here ÷ 1.70 (x264's frame threads keep both vCPUs
 * busy). CPU time, not wall time, because the machine is shared: wall times here swing with other
 * people's work, CPU seconds barely do. Not in the model: moving pieces through S3 and the two queue
 * hops (printed beside it as an estimate).
 */

const exec = promisify(execFile);
const SECONDS = 240;
const VCPU = sizing.segments.memory / 1769;
/** Assumed Lambda ↔ S3 throughput in the same region, for the estimate printed beside the model. */
const S3_MB_PER_SECOND = 80;
const TARGETS = { latencySeconds: 30, cpuRatio: 1.15, bytesWithin: 0.05 };

interface Step {
  wall: number;
  cpu: number;
}

async function measure<T>(log: string, body: () => Promise<T>): Promise<{ result: T } & Step> {
  await rm(log, { force: true });
  const own = process.cpuUsage();
  const start = performance.now();
  const result = await body();
  const wall = (performance.now() - start) / 1000;
  const node = process.cpuUsage(own);
  const lines = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const children = lines.map((line) => line.split(' ').map(Number)).reduce((sum, [user = 0, sys = 0]) => sum + user + sys, 0);
  return { result, wall, cpu: children + (node.user + node.system) / 1e6 };
}

const lambdaSeconds = (step: Step) => step.cpu / VCPU;

async function exists(path: string) {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The 4-minute clip, generated once and kept between runs (written under a temp name first). */
async function clip(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'newsletter-1080p30-rot90-4min.mp4');
  if (await exists(path)) return path;
  console.log('generating the 4-minute 1080p clip …');
  const plain = join(dir, 'partial-plain.mp4');
  const ff = (args: string[]) =>
    exec('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { maxBuffer: 1 << 24 });
  await ff([
    ...['-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${SECONDS}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`],
    ...['-c:v', 'libx264', '-preset', 'superfast', '-profile:v', 'high', '-b:v', '12M', '-g', '60', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '128k', '-ac', '2', plain],
  ]);
  const tmp = join(dir, 'partial-rotated.mp4');
  await ff(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-f', 'mp4', tmp]);
  await rm(plain);
  await rename(tmp, path);
  return path;
}

export default async function avSegmentsBench(): Promise<void> {
  const input = await clip(join(tmpdir(), 'corridor-av-bench-v1'));
  const work = await mkdtemp(join(tmpdir(), 'corridor-av-segments-'));
  const log = join(work, 'cpu.log');
  const ffmpegPath = join(work, 'ffmpeg-timed.sh');
  await writeFile(ffmpegPath, `#!/bin/sh\nexec /usr/bin/time -f '%U %S' -a -o '${log}' ffmpeg "$@"\n`);
  await chmod(ffmpegPath, 0o755);
  // A generous budget: on a busy shared machine the jobs' wall time stretches far past Lambda's.
  const options = (workDir: string) => ({ workDir, ffmpegPath, timeBudgetMs: 3 * 3600 * 1000 });
  const policy = { afterSeconds: 60, segmentSeconds: 20 };
  try {
    const single = await measure(log, () => processVideo(input, options(work)));
    const singleBytes = single.result.outputs.find((o) => o.role === 'video')?.bytes.length ?? 0;

    const piecesDir = join(work, 'pieces');
    const split = await measure(log, () =>
      withJob(options(work), async (job) => {
        const probe = await job.probe(input);
        if (!probe.video) throw new Error('the clip has no picture');
        return splitVideo(job, input, { ...probe, video: probe.video }, policy, piecesDir);
      }),
    );
    const plan: SplitVideo = split.result;
    const pieces: (Step & { path: string; seconds: number; sourceBytes: number; bytes: number })[] = [];
    for (const [index, piece] of plan.pieces.entries()) {
      const output = join(work, `encoded-${index}.nut`);
      const step = await measure(log, () =>
        withJob(options(work), (job) =>
          encodePiece(job, piece.path, output, { ...piece, size: plan.size, rotation: plan.rotation }),
        ),
      );
      pieces.push({
        ...step,
        path: output,
        seconds: piece.seconds,
        sourceBytes: (await stat(piece.path)).size,
        bytes: (await stat(output)).size,
      });
    }
    const joined = await measure(log, () =>
      withJob(options(work), (job) => joinPieces(job, pieces, plan.audio, plan.durationSeconds)),
    );
    const joinedBytes = joined.result.outputs.find((o) => o.role === 'video')?.bytes.length ?? 0;

    const slowest = pieces.reduce((a, b) => (lambdaSeconds(b) > lambdaSeconds(a) ? b : a));
    const modelled = lambdaSeconds(split) + lambdaSeconds(slowest) + lambdaSeconds(joined);
    const totalCpu = split.cpu + pieces.reduce((sum, p) => sum + p.cpu, 0) + joined.cpu;
    const audioBytes = plan.audio ? (await stat(plan.audio)).size : 0;
    const sourceBytes = (await stat(input)).size;
    // S3 estimate: the split uploads every piece; the slowest piece moves its source and its encode;
    // the join downloads every encoded piece and the sound.
    const mb = (bytes: number) => bytes / 1e6;
    const transfer =
      (mb(pieces.reduce((sum, p) => sum + p.sourceBytes, 0) + audioBytes) +
        mb(slowest.sourceBytes + slowest.bytes) +
        mb(pieces.reduce((sum, p) => sum + p.bytes, 0) + audioBytes)) /
      S3_MB_PER_SECOND;

    const f = (n: number) => `${n.toFixed(1)} s`;
    console.log(
      `\nsegment-parallel video: ${SECONDS} s 1080p30 H.264 rotated, ${mb(sourceBytes).toFixed(0)} MB (${cpus().length} cores here)`,
    );
    console.log(
      `  single job                      wall ${f(single.wall)}  CPU ${f(single.cpu)}  output ${mb(singleBytes).toFixed(2)} MB`,
    );
    console.log(
      `  split (copy + sound once)       wall ${f(split.wall)}  CPU ${f(split.cpu)}  ${pieces.length} pieces of ${policy.segmentSeconds} s`,
    );
    console.log(
      `  pieces                          wall ${f(Math.min(...pieces.map((p) => p.wall)))}–${f(Math.max(...pieces.map((p) => p.wall)))} each, CPU ${f(pieces.reduce((s, p) => s + p.cpu, 0))} in all`,
    );
    console.log(
      `  join (+ poster)                 wall ${f(joined.wall)}  CPU ${f(joined.cpu)}  output ${mb(joinedBytes).toFixed(2)} MB`,
    );
    const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
    const cpuRatio = totalCpu / single.cpu;
    const bytesRatio = joinedBytes / singleBytes;
    console.log(
      `  modelled AWS latency (each job a ${sizing.segments.memory} MB Lambda = ${VCPU.toFixed(2)} vCPU): ` +
        `split ${f(lambdaSeconds(split))} + slowest piece ${f(lambdaSeconds(slowest))} + join ${f(lambdaSeconds(joined))} = ${f(modelled)} ` +
        `(≤ ${TARGETS.latencySeconds} s: ${verdict(modelled <= TARGETS.latencySeconds)}); ` +
        `single job there: ${f(lambdaSeconds(single))}`,
    );
    console.log(
      `  not modelled: S3 moves ≈ ${f(transfer)} at an assumed ${S3_MB_PER_SECOND} MB/s, and two queue hops (well under a second each)`,
    );
    console.log(
      `  total CPU ${f(totalCpu)} = ${cpuRatio.toFixed(2)}× the single job's (≤ ${TARGETS.cpuRatio}×: ${verdict(cpuRatio <= TARGETS.cpuRatio)}); ` +
        `bytes ${(bytesRatio * 100).toFixed(1)}% of the single job's (within ${TARGETS.bytesWithin * 100}%: ${verdict(Math.abs(bytesRatio - 1) <= TARGETS.bytesWithin)})`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
