import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DomainError } from '../../errors';
import type { RawImage } from '../image/placeholder';
import { type FaceBox, mergeDetections, toRelative } from './box';
import { loadNet, type Net, type NetDetection } from './net';

/**
 * Face DETECTION only: where faces are, as boxes. The model is YuNet (Shiqi Yu's libfacedetection,
 * Apache-2.0), vendored as yunet.onnx (NOTICE.md beside it says where from) and run by ONNX Runtime's CPU
 * build (onnxruntime-node): nothing downloaded at run time, the same code embedded and on Lambda. Its five
 * key points are never read (net.ts): only boxes and scores leave the network, nothing biometric.
 *
 * Why YuNet: BlazeFace (the previous detector) sees 256 px at a time, so a 12 MP class photo took 55
 * tiled passes and ~2× the photo pipeline; YuNet takes the whole decoded picture (≤ 2,048 px) in one
 * pass of ~70 ms and finds faces from ~10 px up (docs/media.md, "Faces", has the figures).
 */

/**
 * Below this confidence a box is not a face. Chosen on the labelled set (bench/faces.ts, docs/media.md):
 * from 0.5 to 0.7 recall stays 100 % on faces ≥ 32 px and 97 % on 20–32 px with no false box; at 0.8 small
 * faces start to drop. A missed face is a child shown to an audience their parents refused, a blurred patch
 * of wallpaper costs little: so the low end of that plateau, where partly hidden faces still score.
 */
export const MIN_CONFIDENCE = 0.6;
/** The largest side the network searches: the photo pipeline's first decode (docs/media.md, Sizes). */
export const SEARCH_SIZE = 2048;
/**
 * A second, small pass for faces that fill the frame (a selfie, a close-up): YuNet's coarsest head
 * (stride 32) boxes faces up to ~300–400 px well, and in a 2,048 px picture such a face is ~1,500 px.
 */
export const WHOLE_FACE_SIZE = 640;

/** The network of each model file, loaded once (a process has one: its configuration's). */
const nets = new Map<string, Promise<Net>>();
/** One picture at a time: each pass already uses the threads it is given, and its buffers are large. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Where the model is: in `folder` when given (on Lambda the configuration's `faceModelDir`, where
 * infra/lambda.ts copies it: the bundle is one file elsewhere), else beside this file in the repository.
 */
export function faceModelPath(folder?: string): string {
  if (folder) return join(folder, 'yunet.onnx');
  return fileURLToPath(new URL('./yunet.onnx', import.meta.url));
}

/** The network, loaded on first use: a process that never looks for faces never loads ONNX Runtime. */
function loadDetector(folder: string | undefined): Promise<Net> {
  const path = faceModelPath(folder);
  let net = nets.get(path);
  if (!net) {
    net = loadNet(path, MIN_CONFIDENCE).catch((error: unknown) => {
      nets.delete(path);
      throw new FaceDetectorFailed(error instanceof Error ? error.message : String(error));
    });
    nets.set(path, net);
  }
  return net;
}

/**
 * The detector itself failed (its model or ONNX Runtime could not load, a run threw). Ours, not the
 * user's: a 500 whose message only the logs see; the media job fails and is retried.
 */
export class FaceDetectorFailed extends DomainError {
  override name = 'FaceDetectorFailed';
  constructor(reason: string) {
    super('face_detector_failed', 500, `face detector: ${reason}`);
  }
}

/**
 * The passes a picture is searched in, as the longest side each is seen at: the picture itself up to
 * 2,048 px (small faces), and 640 px for faces that fill the frame, when the picture is larger than that.
 */
export function searchPlan(width: number, height: number): number[] {
  const longest = Math.max(width, height);
  const first = Math.min(longest, SEARCH_SIZE);
  return first > WHOLE_FACE_SIZE * 1.5 ? [first, WHOLE_FACE_SIZE] : [first];
}

/** Finds the faces in a decoded, upright picture (`modelDir`: see `faceModelPath`). */
export function detectFaces(image: RawImage, modelDir?: string): Promise<FaceBox[]> {
  const run = queue.then(() => detectNow(image, modelDir));
  queue = run.catch(() => undefined);
  return run;
}

async function detectNow(image: RawImage, modelDir: string | undefined): Promise<FaceBox[]> {
  const detect = await loadDetector(modelDir);
  const { width, height } = image.info;
  const found: NetDetection[] = [];
  for (const longest of searchPlan(width, height)) {
    const input = await rgbAt(image, longest);
    const back = width / input.width;
    let boxes: NetDetection[];
    try {
      boxes = await detect(input);
    } catch (error) {
      throw new FaceDetectorFailed(error instanceof Error ? error.message : String(error));
    }
    for (const d of boxes)
      found.push({ left: d.left * back, top: d.top * back, width: d.width * back, height: d.height * back, score: d.score });
  }
  // Non-maximum suppression, within a pass and between the two.
  return mergeDetections(found).map((box) => toRelative(box, width, height));
}

/** The picture as RGB bytes with its longest side `longest` (as it is when it already is, and RGB). */
async function rgbAt(image: RawImage, longest: number) {
  const { width, height, channels } = image.info;
  if (channels === 3 && Math.max(width, height) === longest) return { data: image.data, width, height };
  const { data, info } = await sharp(image.data, { raw: image.info })
    .resize(longest, longest, { fit: 'inside' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
