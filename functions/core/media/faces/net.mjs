// The face detector network itself, in plain JavaScript so that the same file runs in the media worker's
// own thread (Lambda: one photo per invocation) and in a worker thread (the embedded server, whose event
// loop must keep answering while TensorFlow's WASM computes synchronously). Types: net.d.mts.
//
// The network is MediaPipe's BlazeFace (Apache-2.0, Google) as converted for TensorFlow.js and shipped in
// the npm package @vladmandic/human (MIT): models/blazeface.json + blazeface.bin, a 256×256 input.
// Only its boxes and scores are read; the six key points it also outputs are dropped here.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The three packages are CommonJS: imported from ESM, the whole `module.exports` is `default`. */
const commonJs = (namespace) => namespace.default ?? namespace;

/** The network's input, in pixels: it sees every tile as 256×256. */
const BLAZE_SIZE = 256;

/**
 * Where each of the 896 outputs is centred (MediaPipe's SSD anchors for the 256 model: a 16×16 grid with
 * 2 anchors a cell, then an 8×8 grid with 6), as Human's facemeshutil.generateAnchors builds them.
 */
function anchors(size) {
  const list = [];
  for (const [stride, count] of [
    [size / 16, 2],
    [size / 8, 6],
  ]) {
    const cells = Math.ceil(size / stride);
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++) for (let n = 0; n < count; n++) list.push(stride * (x + 0.5), stride * (y + 0.5));
  }
  return list;
}

/**
 * Loads TensorFlow.js on its WASM backend and BlazeFace's weights from disk, and returns the detector:
 * RGB bytes of any size in (squeezed to 256×256), boxes in those pixels out.
 */
export async function loadNet(assets, minConfidence) {
  const tf = commonJs(await import('@tensorflow/tfjs'));
  const wasm = commonJs(await import('@tensorflow/tfjs-backend-wasm'));
  if (tf.getBackend() !== 'wasm') {
    wasm.setWasmPaths(`${assets.wasm}/`);
    await tf.setBackend('wasm');
    await tf.ready();
  }
  const json = JSON.parse(await readFile(join(assets.model, 'blazeface.json'), 'utf8'));
  const bin = await readFile(join(assets.model, 'blazeface.bin'));
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
  const centres = anchors(BLAZE_SIZE);
  /** Boxes (pixels of the given RGB picture) and scores: nothing else about a face is kept. */
  return async ({ data, width, height }) => {
    const raw = tf.tidy(() => {
      const input = tf.tensor3d(data, [height, width, 3], 'int32').toFloat();
      const sized =
        width === BLAZE_SIZE && height === BLAZE_SIZE ? input : tf.image.resizeBilinear(input, [BLAZE_SIZE, BLAZE_SIZE]);
      const out = model.execute(sized.div(127.5).sub(1).expandDims(0));
      if (!Array.isArray(out)) return out.squeeze();
      // This conversion answers in four pieces: scores and boxes of the 16×16 grid (512 anchors) and of
      // the 8×8 grid (384). Put together as one [896, 17] table of score, box and key points, in anchor order.
      const [scores384, scores512, boxes384, boxes512] = [...out].sort((a, b) => a.size - b.size);
      return tf.concat([tf.concat([scores512, boxes512], 2), tf.concat([scores384, boxes384], 2)], 1).squeeze();
    });
    const rows = await raw.data();
    raw.dispose();
    const stride = rows.length / (centres.length / 2);
    const sx = width / BLAZE_SIZE;
    const sy = height / BLAZE_SIZE;
    const found = [];
    for (let i = 0; i < centres.length / 2; i++) {
      const row = i * stride;
      const score = 1 / (1 + Math.exp(-rows[row]));
      if (score < minConfidence) continue;
      const cx = rows[row + 1] + centres[2 * i];
      const cy = rows[row + 2] + centres[2 * i + 1];
      const w = rows[row + 3];
      const h = rows[row + 4];
      found.push({ left: (cx - w / 2) * sx, top: (cy - h / 2) * sy, width: w * sx, height: h * sy, score });
    }
    return found;
  };
}
