import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { decodeUpright, downscale } from '../functions/core/media/image/decode';
import { AVIF_MAX_WIDTH, IMAGE_WIDTHS } from '../functions/core/media/image/limits';
import type { RawImage } from '../functions/core/media/image/placeholder';
import { processImage } from '../functions/core/media/image/process';
import { avifOptions, webpOptions } from '../functions/core/media/image/profile';
import { printColumns } from './measure';

const run = promisify(execFile);
const corpus = (name: string) => fileURLToPath(new URL(`../test/corpus/${name}`, import.meta.url));
/** The cost model's photos (bench/cost.ts): what schools' phones send. */
const PHOTOS = [
  'photo_android_pixel_gps.jpg',
  'photo_android_nexus4_gps.jpg',
  'photo_iphone5_gps_orient3.jpg',
  'photo_android_samsung_j3_orient6.jpg',
  'heic_iphone8_gps.heic',
];
/** The width a 390 px phone at 3× takes from the post page (358 CSS px × 3 = 1,074: docs/scale.md). */
const PHONE_WIDTH = 1080;

/** CPU time (user + system, all threads of this process) of one piece of work, and its bytes. */
async function encode(work: () => Promise<Buffer>): Promise<{ bytes: number; cpuMs: number; data: Buffer }> {
  const before = process.cpuUsage();
  const data = await work();
  const used = process.cpuUsage(before);
  return { bytes: data.length, cpuMs: (used.user + used.system) / 1000, data };
}

/** SSIM (all planes, in dB) of an encoded picture against the pixels it was made from: ffmpeg's filter. */
async function ssimDb(dir: string, reference: RawImage, encoded: Buffer): Promise<number> {
  await sharp(reference.data, { raw: reference.info }).png().toFile(join(dir, 'ref.png'));
  await sharp(encoded).png().toFile(join(dir, 'enc.png'));
  const { stderr } = await run('ffmpeg', [
    '-hide_banner',
    '-i',
    join(dir, 'enc.png'),
    '-i',
    join(dir, 'ref.png'),
    '-lavfi',
    'ssim',
    '-f',
    'null',
    '-',
  ]);
  return Number(/All:[\d.]+ \(([\d.]+)\)/.exec(stderr)?.[1] ?? Number.NaN);
}

/**
 * What AVIF costs and saves on the corpus photos: per width up to AVIF_MAX_WIDTH, the WebP and AVIF
 * bytes, the CPU of each encode on one core, and SSIM against the source pixels; then the whole
 * pipeline's time on each photo, with the AVIF encodes' share of it.
 */
export default async function avifBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'corridor-avif-'));
  try {
    const rows: string[][] = [];
    const totals: string[][] = [];
    for (const name of PHOTOS) {
      const bytes = await readFile(corpus(name));
      const format = name.endsWith('.heic') ? 'heic' : 'jpeg';
      let image = await decodeUpright(bytes, format, AVIF_MAX_WIDTH);
      let avifCpu = 0;
      for (const width of IMAGE_WIDTHS.filter((w) => w <= AVIF_MAX_WIDTH).reverse()) {
        if (width < image.info.width) image = await downscale(image, width);
        const source = () => sharp(image.data, { raw: image.info });
        const webp = await encode(() => source().webp(webpOptions).toBuffer());
        const avif = await encode(() => source().avif(avifOptions).toBuffer());
        avifCpu += avif.cpuMs;
        if (width !== PHONE_WIDTH) continue;
        rows.push([
          name,
          `${image.info.width}×${image.info.height}`,
          (webp.bytes / 1024).toFixed(0),
          (avif.bytes / 1024).toFixed(0),
          `${((avif.bytes / webp.bytes) * 100).toFixed(0)}%`,
          webp.cpuMs.toFixed(0),
          avif.cpuMs.toFixed(0),
          (await ssimDb(dir, image, webp.data)).toFixed(2),
          (await ssimDb(dir, image, avif.data)).toFixed(2),
        ]);
      }
      // CPU, not wall time: it is what Lambda bills, and it does not depend on what else the machine runs.
      await processImage(bytes, { format }); // warm-up
      const pipeline = await encode(async () => Buffer.from(JSON.stringify((await processImage(bytes, { format })).kind)));
      totals.push([name, pipeline.cpuMs.toFixed(0), avifCpu.toFixed(0), `${((avifCpu / pipeline.cpuMs) * 100).toFixed(0)}%`]);
    }
    printColumns(
      `AVIF (quality ${avifOptions.quality}, effort ${avifOptions.effort}) beside WebP (quality ${webpOptions.quality}, effort ${webpOptions.effort}) at ${PHONE_WIDTH} px, the width a 390 px phone at 3× takes`,
      ['photo', 'size', 'WebP KB', 'AVIF KB', 'AVIF/WebP', 'WebP cpu ms', 'AVIF cpu ms', 'WebP SSIM dB', 'AVIF SSIM dB'],
      rows,
    );
    printColumns(
      `The whole photo pipeline (every width and format, placeholder, colour; after a warm-up) and the AVIF encodes in it (≤ ${AVIF_MAX_WIDTH} px), CPU ms`,
      ['photo', 'pipeline cpu ms', 'AVIF encodes cpu ms', 'AVIF share'],
      totals,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
