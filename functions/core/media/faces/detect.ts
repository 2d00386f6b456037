import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '../image/placeholder';
import { type FaceBox, mergeDetections, type PixelBox, toRelative } from './box';

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

type Tf = typeof import('@tensorflow/tfjs');
type FaceApi = typeof import('@vladmandic/face-api');

interface Detector {
  tf: Tf;
  faceapi: FaceApi;
  options: InstanceType<FaceApi['SsdMobilenetv1Options']>;
}

let loading: Promise<Detector> | undefined;
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
 * Loaded on first use (a dynamic import: a process that never looks for faces never loads TensorFlow).
 * Only the media workers import this module; the API bundle never contains it.
 */
function load(): Promise<Detector> {
  loading ??= (async () => {
    const tf = commonJs<Tf>(await import('@tensorflow/tfjs'));
    const wasm = commonJs<typeof import('@tensorflow/tfjs-backend-wasm')>(await import('@tensorflow/tfjs-backend-wasm'));
    const faceapi = commonJs<FaceApi>(await import('@vladmandic/face-api/dist/face-api.node-wasm.js'));
    const assets = faceAssets();
    wasm.setWasmPaths(`${assets.wasm}/`);
    await tf.setBackend('wasm');
    await tf.ready();
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(assets.model);
    return { tf, faceapi, options: new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_CONFIDENCE, maxResults: 200 }) };
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** The three packages are CommonJS: imported from ESM, the whole `module.exports` is `default`. */
const commonJs = <T>(namespace: unknown): T => ((namespace as { default?: T }).default ?? namespace) as T;

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
 * the whole picture squeezed into 512 px would lose them, so the picture is also searched tile by tile.
 */
export function detectFaces(image: RawImage, options: { tile?: number } = {}): Promise<FaceBox[]> {
  const run = queue.then(() => detectNow(image, options.tile ?? TILE));
  queue = run.catch(() => undefined);
  return run;
}

async function detectNow(image: RawImage, tile: number): Promise<FaceBox[]> {
  const { tf, faceapi, options } = await load();
  const { width, height } = image.info;
  const found: (PixelBox & { score: number })[] = [];
  for (const region of searchRegions(width, height, tile)) {
    // Each region goes in as RGB at most NET_SIZE across: the detector would shrink it anyway.
    const scale = Math.min(1, NET_SIZE / Math.max(region.width, region.height));
    const { data, info } = await sharp(image.data, { raw: image.info })
      .extract(region)
      .resize(Math.max(1, Math.round(region.width * scale)), Math.max(1, Math.round(region.height * scale)), { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const input = tf.tensor3d(new Uint8Array(data.buffer, data.byteOffset, data.length), [info.height, info.width, 3], 'int32');
    try {
      const detections = await faceapi.detectAllFaces(input as never, options);
      for (const d of detections) {
        found.push({
          left: region.left + d.box.x / scale,
          top: region.top + d.box.y / scale,
          width: d.box.width / scale,
          height: d.box.height / scale,
          score: d.score,
        });
      }
    } finally {
      input.dispose();
    }
  }
  return mergeDetections(found).map((box) => toRelative(box, width, height));
}
