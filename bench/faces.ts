import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { toPixels } from '../functions/core/media/faces/box';
import { detectFaces, searchPlan } from '../functions/core/media/faces/detect';
import { faceStep } from '../functions/core/media/faces/step';
import { decodeUpright } from '../functions/core/media/image/decode';
import { processImage } from '../functions/core/media/image/process';
import { type Box, scoreLabelled } from './faces-score';
import { median, ms, printColumns, printTable, ratio } from './measure';

/**
 * `npm run bench faces`: what the face step costs the photo pipeline on a 12 MP phone JPEG (side by side
 * in one run, interleaved so that the machine's load falls on both alike: without faces, keeping faces
 * clear = the search alone, blurring = the search and the blur), the peak memory of the pipeline with the
 * step, and recall and precision against the hand-checked labelled set
 * (test/corpus/faces/labels.json; how it was made: test/corpus/faces/make-class.mjs).
 * Targets live in issue 19; a bench never asserts.
 */
const run = promisify(execFile);
const corpus = (name: string) => fileURLToPath(new URL(`../test/corpus/${name}`, import.meta.url));
const TWELVE_MP = corpus('photo_android_pixel_gps.jpg');
const RUNS = 5;

async function inChild(file: string, choice: string): Promise<{ ms: number; peakMb: number }> {
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const { stdout } = await run(tsx, [fileURLToPath(new URL('./faces-peak.ts', import.meta.url)), file, choice]);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const plus = (value: number, base: number) => {
  const change = ((value - base) / base) * 100;
  return `${ms(value)}  (${ratio(value / base)}; ${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(0)} %)`;
};

export default async function facesBench(): Promise<void> {
  const bytes = await readFile(TWELVE_MP);
  // Loads the detector once, as a warm worker has it (its load is a cold start's, not a photo's).
  await processImage(bytes, { format: 'jpeg', faces: faceStep('blur') });
  const times = { plain: [] as number[], keep: [] as number[], blur: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    times.plain.push(await timed(() => processImage(bytes, { format: 'jpeg' })));
    times.keep.push(await timed(() => processImage(bytes, { format: 'jpeg', faces: faceStep('keep') })));
    times.blur.push(await timed(() => processImage(bytes, { format: 'jpeg', faces: faceStep('blur') })));
  }
  const [plain, keep, blur] = [median(times.plain), median(times.keep), median(times.blur)];
  const peak = await inChild(TWELVE_MP, 'blur');
  const base = await inChild(TWELVE_MP, 'none');
  const passes = searchPlan(2048, 1536)
    .map((side) => `${side} px`)
    .join(' + ');
  printTable(`Faces: photo pipeline on a 12 MP JPEG (4048×3036 → 2048 px, median of ${RUNS}, interleaved)`, [
    ['without the face step', ms(plain)],
    [`keep faces clear (search: ${passes})`, plus(keep, plain)],
    [`blur faces (search: ${passes}, then blur)`, plus(blur, plain)],
    ['peak memory, blurring, own process', `${peak.peakMb.toFixed(0)} MB (${base.peakMb.toFixed(0)} MB without the step)`],
  ]);

  await labelledBench();
}

/** Recall and precision against the labelled set (also run alone while tuning: see docs/media.md). */
export async function labelledBench(detect = detectFaces): Promise<void> {
  const { labels } = JSON.parse(await readFile(corpus('faces/labels.json'), 'utf8')) as { labels: Record<string, Box[]> };
  const found: Record<string, Box[]> = {};
  for (const name of Object.keys(labels)) {
    const image = await decodeUpright(await readFile(corpus(name)), 'jpeg', 2048);
    const { width, height } = image.info;
    // Labels are in the upright picture's own pixels; a picture wider than 2,048 px is searched smaller.
    const back = (await readUprightWidth(name)) / width;
    found[name] = (await detect(image)).map((f) => {
      const p = toPixels(f, width, height);
      return [p.left * back, p.top * back, p.width * back, p.height * back];
    });
  }
  const score = scoreLabelled(labels, found);
  printColumns(
    `Faces: the labelled set (${Object.keys(labels).length} pictures, ${score.faces} faces; targets: recall ≥ 95 % / ≥ 85 %, precision ≥ 90 %)`,
    ['faces', 'labelled', 'found', 'recall'],
    score.buckets.map((b) => [b.name, String(b.labelled), String(b.found), `${(b.recall * 100).toFixed(1)} %`]),
  );
  printTable('Faces: precision', [
    ['boxes found', String(score.boxes)],
    ['boxes that are no labelled face', `${score.falseBoxes} (${score.falseDetail})`],
    ['precision', `${(score.precision * 100).toFixed(1)} %`],
  ]);
}

async function readUprightWidth(name: string): Promise<number> {
  const sharp = (await import('sharp')).default;
  const { width = 0, height = 0, orientation = 1 } = await sharp(corpus(name)).metadata();
  return orientation >= 5 ? height : width;
}
