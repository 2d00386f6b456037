import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/**
 * An independent judge of "is there a face here": face-api's SSD MobileNet v1 (trained on WIDER FACE,
 * from the @vladmandic/face-api npm package, MIT) — a different network, trained on different data, from
 * a different package and runtime than Corridor's own detector (YuNet run by ONNX Runtime). TensorFlow.js
 * and face-api are devDependencies: only the tests' judge uses them. Only
 * the detector's weights are loaded: no landmarks, descriptors, age or expression — boxes only.
 */

export interface JudgedFace {
  left: number;
  top: number;
  width: number;
  height: number;
  score: number;
}

type FaceApi = typeof import('@vladmandic/face-api');
type Tf = typeof import('@tensorflow/tfjs');

let judge: Promise<{ tf: Tf; faceapi: FaceApi }> | undefined;

function load() {
  judge ??= (async () => {
    const require = createRequire(import.meta.url);
    const tf = require('@tensorflow/tfjs') as Tf;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    if (tf.getBackend() !== 'wasm') {
      wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
      await tf.setBackend('wasm');
      await tf.ready();
    }
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
    return { tf, faceapi };
  })();
  return judge;
}

/** The faces the second detector finds in an encoded picture (any format sharp reads), in its pixels. */
export async function judgeFaces(picture: Buffer): Promise<JudgedFace[]> {
  const { tf, faceapi } = await load();
  const { data, info } = await sharp(picture).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const tensor = tf.tensor3d(new Uint8Array(data.buffer, data.byteOffset, data.length), [info.height, info.width, 3], 'int32');
  try {
    const found = await faceapi.detectAllFaces(
      // tfjs-node's tensor is the tensor face-api's bundled tfjs-core expects; only the two packages' types differ.
      tensor as unknown as Parameters<typeof faceapi.detectAllFaces>[0],
      new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3, maxResults: 100 }),
    );
    return found.map((d) => ({ left: d.box.x, top: d.box.y, width: d.box.width, height: d.box.height, score: d.score }));
  } finally {
    tensor.dispose();
  }
}
