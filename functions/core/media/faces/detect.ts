import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { DomainError } from '../../errors';
import type { RawImage } from '../image/placeholder';
import { type FaceBox, mergeDetections, type PixelBox, toRelative } from './box';
import { loadNet, type Net, type NetDetection } from './net.mjs';

/**
 * Face DETECTION only: where faces are, as boxes. The model is face-api's SSD MobileNet v1 (trained on
 * WIDER FACE), shipped as weight files inside the npm package @vladmandic/face-api (MIT), run by
 * TensorFlow.js on its WebAssembly backend: no native build, nothing downloaded at run time, the same
 * code embedded and on Lambda. face-api can also compute landmarks, descriptors, age and expression;
 * Corridor loads only the detector's weights, so none of that can be computed here.
 */

/** The detector's own input size: it squeezes whatever it is given into 512×512. */
const NET_SIZE = 512;
/**
 * Below this confidence a box is not a face. Low on purpose: a missed face is a child shown to an
 * audience their parents refused; a blurred patch of wallpaper costs nothing.
 */
export const MIN_CONFIDENCE = 0.35;
/** Tiles are this many pixels square (of the decoded picture) and overlap by a quarter. */
export const TILE = 768;

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
    model: join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'),
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

/** The squares the picture is searched in: the whole picture, then overlapping tiles for small faces. */
export function searchRegions(width: number, height: number, tile = TILE): PixelBox[] {
  const whole = { left: 0, top: 0, width, height };
  if (Math.max(width, height) <= tile * 1.25) return [whole];
  const stride = Math.floor(tile * 0.75);
  const starts = (size: number) => {
    const list: number[] = [];
    for (let at = 0; at + tile < size; at += stride) list.push(at);
    list.push(Math.max(0, size - tile));
    return [...new Set(list)];
  };
  const tiles = starts(height).flatMap((top) =>
    starts(width).map((left) => ({ left, top, width: Math.min(tile, width), height: Math.min(tile, height) })),
  );
  return [whole, ...tiles];
}

/**
 * Finds the faces in a decoded, upright picture. Small faces in a class photo are a few dozen pixels:
 * the whole picture squeezed into 512 px would lose them, so when `thorough` the picture is also searched
 * tile by tile (each tile costs as much as the whole picture: see docs/media.md for the figures).
 */
export function detectFaces(image: RawImage, options: { thorough?: boolean; tile?: number } = {}): Promise<FaceBox[]> {
  const tile = options.thorough === false ? Number.POSITIVE_INFINITY : (options.tile ?? TILE);
  const run = queue.then(() => detectNow(image, tile));
  queue = run.catch(() => undefined);
  return run;
}

async function detectNow(image: RawImage, tile: number): Promise<FaceBox[]> {
  const detect = await loadDetector();
  const { width, height } = image.info;
  const found: (PixelBox & { score: number })[] = [];
  for (const region of searchRegions(width, height, tile)) {
    // Each pass holds the thread for a while (WASM runs synchronously): let other work in between.
    await new Promise((resolve) => setImmediate(resolve));
    // Each region goes in as RGB at most NET_SIZE across: the detector would shrink it anyway.
    const scale = Math.min(1, NET_SIZE / Math.max(region.width, region.height));
    const { data, info } = await sharp(image.data, { raw: image.info })
      .extract(region)
      .resize(Math.max(1, Math.round(region.width * scale)), Math.max(1, Math.round(region.height * scale)), { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    for (const d of await detect({
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
    })) {
      found.push({
        left: region.left + d.left / scale,
        top: region.top + d.top / scale,
        width: d.width / scale,
        height: d.height / scale,
        score: d.score,
      });
    }
  }
  return mergeDetections(found).map((box) => toRelative(box, width, height));
}
