import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { PostView } from '../functions/api/views';
import { processImage } from '../functions/core/media/image/process';
import type { SingleUploadInstruction } from '../functions/core/media/uploads';
import { startLocal } from '../functions/local/runtime';
import { seedDemo } from '../functions/local/seed';
import { medianMs, medianOf, ms, printTable, ratio } from './measure';

const PHOTO = new URL('../test/corpus/photo_android_pixel_gps.jpg', import.meta.url);
const RUNS = 5;

/**
 * The photo path end to end on the embedded default: from the moment the phone's upload finishes to
 * the moment every channel shows the post, beside the pipeline alone and a bare sharp decode of the
 * same 12 MP file, all in one run so the ratios compare like with like.
 */
export default async function photoPathBench(): Promise<void> {
  const bytes = await readFile(PHOTO);
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-bench-'));
  const local = await startLocal({ dataDir, port: 0 });
  try {
    const { token } = await seedDemo(local.deps, dataDir);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const uploadToLive = await medianOf(RUNS, async () => {
      const created = (await (
        await fetch(`${local.url}/api/posts`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            idempotencyKey: crypto.randomUUID(),
            audience: 'public',
            caption: 'bench',
            media: [{ contentType: 'image/jpeg', bytes: bytes.length }],
          }),
        })
      ).json()) as { post: PostView; uploads: SingleUploadInstruction[] };
      const upload = created.uploads[0];
      await fetch(upload?.url ?? '', { method: 'PUT', headers: upload?.headers, body: new Uint8Array(bytes) });
      const uploaded = performance.now();
      for (;;) {
        const { post } = (await (await fetch(`${local.url}/api/posts/${created.post.id}`, { headers })).json()) as {
          post: PostView;
        };
        if (post.live) break;
        if (post.state === 'failed') throw new Error(post.failure?.message);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return performance.now() - uploaded;
    });
    const decode = await medianMs(RUNS, () => sharp(bytes).raw().toBuffer());
    const decodeOriented = await medianMs(RUNS, () => sharp(bytes).autoOrient().raw().toBuffer());
    const pipeline = await medianMs(RUNS, () => processImage(bytes, { format: 'jpeg' }));
    printTable(`Photo path — photo_android_pixel_gps.jpg (12 MP, ${(bytes.length / 1e6).toFixed(1)} MB), median of ${RUNS}`, [
      ['upload finished → live everywhere', ms(uploadToLive)],
      ['image pipeline alone', ms(pipeline)],
      ['bare sharp decode', ms(decode)],
      ['bare sharp decode + auto-orient', ms(decodeOriented)],
      ['pipeline ÷ bare decode', ratio(pipeline / decode)],
      ['pipeline ÷ decode + auto-orient', ratio(pipeline / decodeOriented)],
      ['upload→live ÷ pipeline (overhead of the path)', ratio(uploadToLive / pipeline)],
    ]);
  } finally {
    await local.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
