import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { detectFaces, FaceDetectorFailed, faceModelPath } from '../../functions/core/media/faces/detect';
import type { RawImage } from '../../functions/core/media/image/placeholder';
import { corpusPath } from '../helpers/corpus';

/**
 * The detector itself (YuNet through ONNX Runtime, functions/core/media/faces/detect.ts), on real pictures:
 * a face filling the frame (which the 2,048 px pass alone misses: the reason for the 640 px pass), and the
 * process answering while a search runs (the embedded server runs it on its own event loop, no worker).
 */

/** One face of group_faces_window.jpg, labelled in test/corpus/faces/labels.json: [left, top, w, h]. */
const FACE = [655, 374, 250, 250] as const;

/** A "selfie": that face cropped close (its box 1.2× the face) and scaled up to a 2048×1536 decode. */
async function closeUp(): Promise<RawImage> {
  const [left, top, width, height] = FACE;
  const margin = 0.1;
  const { data, info } = await sharp(corpusPath('group_faces_window.jpg'))
    .rotate()
    .extract({
      left: Math.round(left - width * margin),
      top: Math.round(top - height * margin),
      width: Math.round(width * (1 + 2 * margin)),
      height: Math.round(height * (1 + 2 * margin)),
    })
    .resize(2048, 1536, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: 3 } };
}

describe('the face detector on real pictures', () => {
  it('finds a face that fills the frame (a selfie) and boxes most of it', async () => {
    const faces = await detectFaces(await closeUp());
    // The face is the whole middle of the picture: some box is centred there and at least half its height.
    const big = faces.filter((f) => Math.abs(f.x + f.w / 2 - 0.5) < 0.15 && Math.abs(f.y + f.h / 2 - 0.5) < 0.2);
    expect(big.length, JSON.stringify(faces)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...big.map((f) => f.h))).toBeGreaterThan(0.5);
  }, 60_000);

  it('finds the faces of a group photo, at any channel count it is decoded with', async () => {
    const { data, info } = await sharp(corpusPath('group_faces_window.jpg'))
      .rotate()
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const faces = await detectFaces({ data, info: { width: info.width, height: info.height, channels: 4 } });
    expect(faces.length).toBeGreaterThanOrEqual(4);
    for (const f of faces) expect(Object.keys(f).sort()).toEqual(['h', 'w', 'x', 'y']);
  }, 60_000);

  it('keeps the process answering while it searches (ONNX Runtime computes on its own threads)', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const picture = await closeUp();
      // Warm: the model's load is a cold start's, not a search's.
      await detectFaces(picture);
      let searching = true;
      // Four searches in a row (they queue: one picture at a time) — seconds of CPU under load.
      const searches = Promise.all([1, 2, 3, 4].map(() => detectFaces(picture))).finally(() => {
        searching = false;
      });
      const answer = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      const answeredWhileSearching = searching;
      await searches;
      expect(answer).toBe('ok');
      expect(answeredWhileSearching).toBe(true);
    } finally {
      server.close();
    }
  }, 120_000);

  it('loads the model from the folder it is given (on Lambda the configuration names it), and says when it is not there', async () => {
    const picture = await closeUp();
    const dir = await mkdtemp(join(tmpdir(), 'corridor-face-model-'));
    try {
      await expect(detectFaces(picture, dir)).rejects.toThrow(FaceDetectorFailed);
      await copyFile(faceModelPath(), join(dir, 'yunet.onnx'));
      expect((await detectFaces(picture, dir)).length).toBeGreaterThanOrEqual(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
