/**
 * Run by `bench/image.ts` in a child process, so the peak resident memory it reports is the pipeline's
 * alone: `tsx bench/image-peak.ts FILE FORMAT` prints `{"ms":…,"peakMb":…,"baselineMb":…}`.
 */
import { readFile } from 'node:fs/promises';
import { processImage } from '../functions/core/media/image/process';

const [file = '', format = 'jpeg'] = process.argv.slice(2);
const bytes = await readFile(file);
const baselineMb = process.resourceUsage().maxRSS / 1024;
const start = performance.now();
await processImage(bytes, { format });
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, peakMb: process.resourceUsage().maxRSS / 1024, baselineMb }));
