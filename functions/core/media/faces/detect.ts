import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { DomainError } from '../../errors';
import type { RawImage } from '../image/placeholder';
import { type FaceBox, mergeDetections, type PixelBox, toRelative } from './box';
import { loadNet, type Net, type NetDetection } from './net.mjs';

/**
 * Face DETECTION only: where faces are, as boxes. The model is MediaPipe's BlazeFace (Google, Apache-2.0;
 * the 256 px "back camera" model, for faces further away), shipped as weight files inside the npm package
 * @vladmandic/human (MIT), run by TensorFlow.js on its WebAssembly backend: no native build, nothing
 * downloaded at run time, the same code embedded and on Lambda. Its six key points (eyes, ears, nose,
 * mouth) are dropped in net.mjs: only boxes and scores leave the network, nothing biometric is computed.
 *
 * Why BlazeFace and not face-api's SSD MobileNet v1 (the first choice): one SSD pass (512×512) cost as much
 * as the whole photo pipeline, and small faces need dozens of passes; a BlazeFace pass costs ~1/15 of it
 * (docs/media.md, "Faces", has the figures).
 */

/** The network's own input: it sees every tile as 256×256. */
const NET_SIZE = 256;
/**
 * Below this confidence a box is not a face. Chosen on the labelled set (bench/faces.ts): at 0.6 recall is
 * 98 % / 95 % (faces ≥ 32 / 20–32 px) but 1 box in 5 is no face; at 0.65, 98 % / 89 % with 12 % false
 * boxes; at 0.7 small faces drop to 78 %. A missed face is a child shown to an audience their parents
 * refused; a blurred patch of wallpaper costs little: so the lowest threshold whose precision is near 90 %.
 */
export const MIN_CONFIDENCE = 0.65;
/**
 * BlazeFace finds faces down to ~16 px of its 256 px input. The smallest face Corridor promises to find is
 * 20 px high in the decoded picture, so the finest search sees the picture at 0.8 of its size.
 */
export const SMALLEST_FACE_SCALE = 0.8;
/** Tiles overlap by this many of the network's pixels: a face up to this size is whole in some tile. */
const OVERLAP = 48;

let net: Promise<Net> | undefined;
/** TensorFlow.js is one global engine: one picture at a time. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Where the two files read from disk are: the detector's weights and TensorFlow's WASM. On Lambda the
 * bundle carries them in one folder named by CORRIDOR_FACE_ASSETS (infra/lambda.ts copies them there);
 * elsewhere they are read from the packages in node_modules.
 */
export function faceAssets(): { model: string; wasm: string } {
  const bundled = process.env.CORRIDOR_FACE_ASSETS;
  if (bundled) return { model: bundled, wasm: bundled };
  const require = createRequire(import.meta.url);
  return {
    // Human's `exports` map has no ./package.json: find its main file and go up to the package's models.
    model: join(dirname(dirname(require.resolve('@vladmandic/human'))), 'models'),
    wasm: join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
  };
}

/**
 * The network, loaded on first use (a process that never looks for faces never loads TensorFlow). A
 * Lambda handles one photo at a time, so it runs in place; a long-running server runs it in a worker
 * thread, because each pass holds its thread for a second or more and the server must keep answering.
 * The API never imports this module.
 */
function loadDetector(): Promise<Net> {
  net ??= (process.env.AWS_LAMBDA_FUNCTION_NAME ? loadNet(faceAssets(), MIN_CONFIDENCE) : threadNet()).catch((error) => {
    net = undefined;
    throw error;
  });
  return net;
}

async function threadNet(): Promise<Net> {
  const worker = new Worker(new URL('./net-thread.mjs', import.meta.url), {
    workerData: { assets: faceAssets(), minConfidence: MIN_CONFIDENCE },
  });
  worker.unref();
  const waiting = new Map<number, { resolve: (found: NetDetection[]) => void; reject: (error: Error) => void }>();
  let next = 0;
  worker.on('message', ({ id, found, error }: { id: number; found?: NetDetection[]; error?: string }) => {
    const request = waiting.get(id);
    waiting.delete(id);
    if (error) request?.reject(new FaceDetectorFailed(error));
    else request?.resolve(found ?? []);
  });
  worker.on('error', (error) => {
    net = undefined;
    for (const request of waiting.values()) request.reject(error);
    waiting.clear();
  });
  return (input) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, input });
    });
}

/**
 * The detector itself failed (its model or WASM could not load, TensorFlow threw). Ours, not the user's:
 * a 500 whose message (TensorFlow's words) only the logs see; the media job fails and is retried.
 */
export class FaceDetectorFailed extends DomainError {
  override name = 'FaceDetectorFailed';
  constructor(reason: string) {
    super('face_detector_failed', 500, `face detector: ${reason}`);
  }
}

/** One pass of the network: a region of the picture, seen at `scale` of its size. */
export interface SearchRegion extends PixelBox {
  scale: number;
}

/**
 * The passes a picture is searched in: the whole picture (large faces), then tiles of 256 network pixels
 * at two scales — a quarter (faces ~64 px and up) and `finest` (the small faces of a class photo). The
 * coarse tiles catch the faces that are too big to sit whole inside a fine tile. A picture small enough
 * for one scale skips the others.
 */
export function searchRegions(width: number, height: number, finest = SMALLEST_FACE_SCALE): SearchRegion[] {
  const whole = { left: 0, top: 0, width, height, scale: NET_SIZE / Math.max(width, height) };
  const scales = [0.25, finest].filter((scale) => Math.max(width, height) * scale > NET_SIZE * 1.25);
  return [whole, ...scales.flatMap((scale) => tilesAt(width, height, scale))];
}

function tilesAt(width: number, height: number, scale: number): SearchRegion[] {
  const tile = Math.round(NET_SIZE / scale);
  const stride = Math.round((NET_SIZE - OVERLAP) / scale);
  const starts = (size: number) => {
    const list: number[] = [];
    for (let at = 0; at + tile < size; at += stride) list.push(at);
    list.push(Math.max(0, size - tile));
    return [...new Set(list)];
  };
  return starts(height).flatMap((top) =>
    starts(width).map((left) => ({ left, top, width: Math.min(tile, width), height: Math.min(tile, height), scale })),
  );
}

/**
 * Finds the faces in a decoded, upright picture. Small faces in a class photo are a few dozen pixels:
 * the whole picture squeezed into 256 px would lose them, so when `thorough` the picture is also searched
 * tile by tile (`searchRegions`; docs/media.md has the cost).
 */
export function detectFaces(image: RawImage, options: { thorough?: boolean; finest?: number } = {}): Promise<FaceBox[]> {
  const { width, height } = image.info;
  const regions =
    options.thorough === false
      ? searchRegions(width, height).slice(0, 1)
      : searchRegions(width, height, options.finest ?? SMALLEST_FACE_SCALE);
  const run = queue.then(() => detectNow(image, regions));
  queue = run.catch(() => undefined);
  return run;
}

async function detectNow(image: RawImage, regions: SearchRegion[]): Promise<FaceBox[]> {
  const detect = await loadDetector();
  const { width, height } = image.info;
  const found: (PixelBox & { score: number })[] = [];
  // One resize per scale; the tiles are then cut from it in memory (cheaper than a sharp call a tile).
  const levels = new Map<number, Promise<{ data: Buffer; width: number; height: number }>>();
  const level = (scale: number) => {
    let got = levels.get(scale);
    if (!got) {
      got = sharp(image.data, { raw: image.info })
        .resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { fit: 'fill' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true })
        .then(({ data, info }) => ({ data, width: info.width, height: info.height }));
      levels.set(scale, got);
    }
    return got;
  };
  for (const region of regions) {
    // Each pass holds the thread for a while (WASM runs synchronously): let other work in between.
    await new Promise((resolve) => setImmediate(resolve));
    const input =
      region.width === width && region.height === height ? await squeezed(image) : cut(await level(region.scale), region);
    const sx = region.width / input.width;
    const sy = region.height / input.height;
    for (const d of await detect(input)) {
      found.push({
        left: region.left + d.left * sx,
        top: region.top + d.top * sy,
        width: d.width * sx,
        height: d.height * sy,
        score: d.score,
      });
    }
  }
  return mergeDetections(found).map((box) => toRelative(box, width, height));
}

/** The whole picture as the network sees it: RGB, squeezed to its input. */
async function squeezed(image: RawImage) {
  const { data, info } = await sharp(image.data, { raw: image.info })
    .resize(NET_SIZE, NET_SIZE, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** A region (in the picture's pixels) cut out of a level (the picture resized by the region's scale). */
function cut(level: { data: Buffer; width: number; height: number }, region: SearchRegion) {
  const left = Math.min(Math.round(region.left * region.scale), level.width - 1);
  const top = Math.min(Math.round(region.top * region.scale), level.height - 1);
  const w = Math.min(NET_SIZE, level.width - left);
  const h = Math.min(NET_SIZE, level.height - top);
  const data = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const from = ((top + row) * level.width + left) * 3;
    data.set(level.data.subarray(from, from + w * 3), row * w * 3);
  }
  return { data, width: w, height: h };
}
