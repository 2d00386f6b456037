import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/**
 * An independent judge of "is there a face here": Human's BlazeFace (back-camera model, 256 px input,
 * from the @vladmandic/human npm package, MIT) — a different network, trained on different data, from a
 * different package than Corridor's own detector (face-api's SSD MobileNet v1). Human runs with every
 * module but face detection turned off: no mesh, no description, no emotion — boxes only.
 */

type HumanModule = typeof import('@vladmandic/human');
type Human = InstanceType<HumanModule['Human']>;

export interface JudgedFace {
  left: number;
  top: number;
  width: number;
  height: number;
  score: number;
}

let human: Promise<Human> | undefined;

function load(): Promise<Human> {
  human ??= (async () => {
    const require = createRequire(import.meta.url);
    // The package's `exports` map spells its subpaths without "./", so resolve its main file and go beside it.
    const entry = join(dirname(require.resolve('@vladmandic/human')), 'human.node-wasm.js');
    const { Human } = require(entry) as HumanModule;
    const root = dirname(dirname(entry));
    const wasm = `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
    const instance = new Human({
      backend: 'wasm',
      wasmPath: wasm,
      modelBasePath: await serveModels(join(root, 'models')),
      debug: false,
      cacheSensitivity: 0,
      face: {
        enabled: true,
        detector: { modelPath: 'blazeface.json', rotation: false, maxDetected: 50, minConfidence: 0.3, return: false },
        mesh: { enabled: false },
        iris: { enabled: false },
        description: { enabled: false },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
      filter: { enabled: false },
    });
    await instance.load();
    return instance;
  })();
  return human;
}

/**
 * TensorFlow.js on WASM reads models with fetch, which has no file: URLs in Node: the package's model
 * folder is served on loopback for the test process (closed with it).
 */
async function serveModels(dir: string): Promise<string> {
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    if (!/^[\w.-]+$/.test(name)) return void response.writeHead(404).end();
    readFile(join(dir, name)).then(
      (bytes) => response.writeHead(200).end(bytes),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** The faces the second detector finds in an encoded picture (any format sharp reads), in its pixels. */
export async function judgeFaces(picture: Buffer): Promise<JudgedFace[]> {
  const h = await load();
  const { data, info } = await sharp(picture).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const tensor = h.tf.tensor3d(new Uint8Array(data.buffer, data.byteOffset, data.length), [info.height, info.width, 3], 'int32');
  const batch = h.tf.expandDims(tensor, 0);
  try {
    const result = await h.detect(batch as never);
    return result.face.map((f) => {
      const [left, top, width, height] = f.box;
      return { left, top, width, height, score: f.boxScore };
    });
  } finally {
    h.tf.dispose([batch, tensor]);
  }
}
