// The face detector network itself, in plain JavaScript so that the same file runs in the media worker's
// own thread (Lambda: one photo per invocation) and in a worker thread (the embedded server, whose event
// loop must keep answering while TensorFlow's WASM computes synchronously). Types: net.d.mts.

/** The three packages are CommonJS: imported from ESM, the whole `module.exports` is `default`. */
const commonJs = (namespace) => namespace.default ?? namespace;

/**
 * Loads TensorFlow.js on its WASM backend and face-api's SSD MobileNet v1 weights (only those: no
 * landmark, recognition, age or expression weights are ever loaded), and returns the detector.
 */
export async function loadNet(assets, minConfidence) {
  const tf = commonJs(await import('@tensorflow/tfjs'));
  const wasm = commonJs(await import('@tensorflow/tfjs-backend-wasm'));
  const faceapi = commonJs(await import('@vladmandic/face-api/dist/face-api.node-wasm.js'));
  wasm.setWasmPaths(`${assets.wasm}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(assets.model);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 200 });
  /** Boxes (pixels of the given RGB picture) and scores: nothing else about a face is computed. */
  return async ({ data, width, height }) => {
    const input = tf.tensor3d(data, [height, width, 3], 'int32');
    try {
      const found = await faceapi.detectAllFaces(input, options);
      return found.map((d) => ({ left: d.box.x, top: d.box.y, width: d.box.width, height: d.box.height, score: d.score }));
    } finally {
      input.dispose();
    }
  };
}
