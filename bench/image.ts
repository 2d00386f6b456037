import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import decodeHeif from 'heic-decode';
import sharp from 'sharp';
import { IMAGE_WIDTHS } from '../functions/core/media/image/limits';
import { processImage } from '../functions/core/media/image/process';
import { MediaRejected } from '../functions/core/media/media';
import { medianMs, ms, printTable, ratio } from './measure';

const run = promisify(execFile);
const corpus = (name: string) => fileURLToPath(new URL(`../test/corpus/${name}`, import.meta.url));
const RUNS = 5;
const TARGETS = { vsDecode: 3.0, vsNaive: 2.5, peakMb: 400, heicMs: 3000 };

/** What a first attempt looks like: one sharp chain per output, every chain decoding the file again, default settings. */
async function naivePipeline(bytes: Buffer): Promise<void> {
  for (const width of IMAGE_WIDTHS) {
    await sharp(bytes).rotate().resize({ width, withoutEnlargement: true }).webp().toBuffer();
    await sharp(bytes).rotate().resize({ width, withoutEnlargement: true }).jpeg().toBuffer();
  }
}

/** The pipeline once, in a fresh process: its wall time and the process's peak resident memory. */
async function inChild(file: string, format: string): Promise<{ ms: number; peakMb: number; baselineMb: number }> {
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const { stdout } = await run(tsx, [fileURLToPath(new URL('./image-peak.ts', import.meta.url)), file, format]);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

/** A 1×1 PNG whose header claims 50000×50000 (7.5 GB of pixels): a decompression bomb. */
async function bomb(): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer(),
  );
  png.writeUInt32BE(50_000, 16);
  png.writeUInt32BE(50_000, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/**
 * The photo pipeline on a 12 MP phone JPEG and a 12 MP iPhone HEIC, beside a bare decode + auto-orient
 * and a naive per-output pipeline of the same file, measured in one run; peak memory in a child process.
 */
export default async function imageBench(): Promise<void> {
  const jpegFile = corpus('photo_android_pixel_gps.jpg');
  const heicFile = corpus('heic_iphone8_gps.heic');
  const jpeg = await readFile(jpegFile);
  const heic = await readFile(heicFile);

  const decodeOriented = await medianMs(RUNS, () => sharp(jpeg).autoOrient().raw().toBuffer());
  const pipeline = await medianMs(RUNS, () => processImage(jpeg, { format: 'jpeg' }));
  // The ≤ 3× line was set for the WebP + JPEG cascade; AVIF came later, on purpose (docs/media.md "AVIF").
  const withoutAvif = await medianMs(RUNS, () => processImage(jpeg, { format: 'jpeg', avif: false }));
  const naive = await medianMs(3, () => naivePipeline(jpeg));
  const heicDecode = await medianMs(3, () => decodeHeif({ buffer: heic }));
  const heicPipeline = await medianMs(3, () => processImage(heic, { format: 'heic' }));
  const bombBytes = await bomb();
  const bombRefusal = await medianMs(RUNS, () =>
    processImage(bombBytes, { format: 'png' }).then(
      () => {
        throw new Error('the bomb was accepted');
      },
      (error) => {
        if (!(error instanceof MediaRejected) || error.code !== 'too_many_pixels') throw error;
      },
    ),
  );
  const jpegChild = await inChild(jpegFile, 'jpeg');
  const heicChild = await inChild(heicFile, 'heic');
  const target = (ok: boolean, text: string) => `${ok ? 'meets' : 'MISSES'} ${text}`;

  printTable(
    `Photo pipeline — photo_android_pixel_gps.jpg (4048×3036, 12 MP) and heic_iphone8_gps.heic (4032×3024), median of ${RUNS}`,
    [
      ['JPEG: our pipeline (WebP, JPEG, AVIF ≤ 1,280 px, placeholder, colour)', ms(pipeline)],
      ['JPEG: the same without AVIF (WebP and JPEG only)', ms(withoutAvif)],
      ['JPEG: bare decode + auto-orient', ms(decodeOriented)],
      ['JPEG: naive pipeline (one sharp chain per output)', ms(naive)],
      [
        'pipeline without AVIF ÷ decode + auto-orient',
        `${ratio(withoutAvif / decodeOriented)}  ${target(withoutAvif / decodeOriented <= TARGETS.vsDecode, `≤ ${TARGETS.vsDecode}×`)}`,
      ],
      ['pipeline with AVIF ÷ decode + auto-orient (no target: AVIF buys bytes with CPU)', ratio(pipeline / decodeOriented)],
      [
        'naive ÷ pipeline without AVIF (speed-up; the naive one makes no AVIF)',
        `${ratio(naive / withoutAvif)}  ${target(naive / withoutAvif >= TARGETS.vsNaive, `≥ ${TARGETS.vsNaive}×`)}`,
      ],
      [
        'HEIC: our pipeline end to end',
        `${ms(heicPipeline)}  ${target(heicPipeline <= TARGETS.heicMs, `≤ ${TARGETS.heicMs} ms`)}`,
      ],
      ['HEIC: bare decode (libheif WASM)', ms(heicDecode)],
      ['HEIC: pipeline ÷ decode', ratio(heicPipeline / heicDecode)],
      ['decompression bomb (50000×50000 PNG) refused in', `${bombRefusal.toFixed(2)} ms (target ≤ 100 ms)`],
      [
        'peak RSS, JPEG pipeline in a fresh process',
        `${jpegChild.peakMb.toFixed(0)} MB (${jpegChild.baselineMb.toFixed(0)} MB before)  ${target(jpegChild.peakMb <= TARGETS.peakMb, `≤ ${TARGETS.peakMb} MB`)}`,
      ],
      [
        'peak RSS, HEIC pipeline in a fresh process',
        `${heicChild.peakMb.toFixed(0)} MB (${heicChild.baselineMb.toFixed(0)} MB before)  ${target(heicChild.peakMb <= TARGETS.peakMb, `≤ ${TARGETS.peakMb} MB`)}`,
      ],
    ],
  );
}
