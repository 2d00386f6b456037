/**
 * Run by `bench/faces.ts` in a child process, so the peak resident memory it reports is the photo
 * pipeline's with the face step: `tsx bench/faces-peak.ts FILE blur|keep|none` prints `{"ms":…,"peakMb":…}`.
 */
import { readFile } from 'node:fs/promises';
import type { FaceChoice } from '../functions/core/media/faces/box';
import { faceStep } from '../functions/core/media/faces/step';
import { processImage } from '../functions/core/media/image/process';

const [file = '', choice = 'blur'] = process.argv.slice(2);
const bytes = await readFile(file);
const start = performance.now();
// `none`: the pipeline without the step, for the baseline beside it.
await processImage(bytes, { format: 'jpeg', ...(choice === 'none' ? {} : { faces: faceStep(choice as FaceChoice) }) });
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, peakMb: process.resourceUsage().maxRSS / 1024 }));
process.exit(0);
