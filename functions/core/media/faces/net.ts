import { availableParallelism } from 'node:os';
import type { PixelBox } from './box';

/**
 * The face detector network: YuNet (Shiqi Yu's libfacedetection, Apache-2.0; yunet.onnx, NOTICE.md beside
 * it) run by ONNX Runtime's CPU build (onnxruntime-node). Its `run` is asynchronous and computes on
 * ONNX Runtime's own threads, so the event loop keeps answering during a search (no worker thread).
 *
 * The network also outputs five key points per face (`kps_8`, `kps_16`, `kps_32`: eyes, nose, mouth
 * corners). They are NEVER read, here or anywhere: only boxes and scores leave this file, nothing
 * biometric is computed.
 */

/** A picture as RGB bytes, row by row. */
export interface NetInput {
  data: Uint8Array;
  width: number;
  height: number;
}
export type NetDetection = PixelBox & { score: number };
export type Net = (input: NetInput) => Promise<NetDetection[]>;
type Ort = typeof import('onnxruntime-node');

/** The network's three heads: a grid cell every 8, 16 and 32 pixels. Its input must be a multiple of 32. */
const STRIDES = [8, 16, 32] as const;
const ALIGN = 32;

/**
 * Loads the model from disk. Two intra-op threads: a pass over a 2048×1536 picture takes ~70 ms on two
 * and ~127 ms on one (docs/media.md, Faces); more than the machine has would only contend.
 */
export async function loadNet(modelPath: string, minConfidence: number): Promise<Net> {
  // Imported here, not at the top: a process that never looks for faces never loads the native runtime.
  // It is CommonJS: imported from ESM (or bundled to CommonJS), `module.exports` may come as `default`.
  const imported = await import('onnxruntime-node');
  const ort: Ort = (imported as { default?: Ort }).default ?? imported;
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: Math.min(2, availableParallelism()),
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
    // No busy-waiting between a pass's steps: the threads would burn CPU that sharp, ffmpeg and the API
    // share with them (one or two cores on Lambda and on a school's small server).
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
  const wanted = STRIDES.flatMap((s) => [`cls_${s}`, `obj_${s}`, `bbox_${s}`]);
  return async (picture) => {
    const { tensor, width, height } = toInput(ort, picture);
    const out = await session.run({ input: tensor }, wanted);
    const found: NetDetection[] = [];
    for (const stride of STRIDES) {
      const cls = out[`cls_${stride}`]?.data as Float32Array;
      const obj = out[`obj_${stride}`]?.data as Float32Array;
      const box = out[`bbox_${stride}`]?.data as Float32Array;
      const cols = width / stride;
      const rows = height / stride;
      // The decoding of OpenCV's FaceDetectorYN for this model (2023mar): a score per grid cell, a box
      // as an offset of the cell's corner and a log-size, both in units of the stride.
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const score = Math.sqrt(clamp01(cls[i] ?? 0) * clamp01(obj[i] ?? 0));
          if (score < minConfidence) continue;
          const cx = (c + (box[4 * i] ?? 0)) * stride;
          const cy = (r + (box[4 * i + 1] ?? 0)) * stride;
          const w = Math.exp(box[4 * i + 2] ?? 0) * stride;
          const h = Math.exp(box[4 * i + 3] ?? 0) * stride;
          found.push({ left: cx - w / 2, top: cy - h / 2, width: w, height: h, score });
        }
    }
    for (const tensor of Object.values(out)) tensor.dispose();
    return found;
  };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * The picture as the network takes it: BGR planes (NCHW) of floats 0–255, no normalisation, padded with
 * black on the right and bottom to multiples of 32 (boxes stay in the picture's own pixels).
 */
function toInput(ort: Ort, { data, width, height }: NetInput) {
  const w = Math.ceil(width / ALIGN) * ALIGN;
  const h = Math.ceil(height / ALIGN) * ALIGN;
  const plane = w * h;
  const planes = new Float32Array(3 * plane);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = y * w + x;
      planes[to] = data[from + 2] ?? 0;
      planes[plane + to] = data[from + 1] ?? 0;
      planes[2 * plane + to] = data[from] ?? 0;
    }
  return { tensor: new ort.Tensor('float32', planes, [1, 3, h, w]), width: w, height: h };
}
