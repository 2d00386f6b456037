import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incomingKey } from '../../functions/aws/keys';
import type { Principal } from '../../functions/core/auth/tokens';
import type { Deps } from '../../functions/core/deps';
import { createPost } from '../../functions/core/posts/create';
import { getPostWithMedia } from '../../functions/core/posts/store';
import { mediaHandler } from '../../functions/handlers/media';
import type { Emulators } from '../../functions/local/emulators';
import { lambdaContext } from '../../functions/local/queue';
import { emulatorDeps, startCorridorEmulators } from '../../functions/local/runtime';
import { seedDemo } from '../../functions/local/seed';
import { s3ObjectCreated, sqsEvent, sqsRecord } from '../helpers/aws-events';
import { corpusPath } from '../helpers/corpus';

/**
 * The worker's comparison of what arrived with what was announced, on the AWS runtime: the image
 * worker Lambda's handler, fed the S3 notification inside an SQS message as AWS delivers it, with no
 * local edge or in-process queue in front (security-edge.test.ts shows the same on the embedded default).
 * S3 itself is s3rver through the real SDK; the objects are written past any presigned URL, as a
 * multipart upload's parts or a bucket written some other way could leave them.
 */

let dataDir: string;
let emulators: Emulators;
let deps: Deps;
const staff: Principal = { schoolId: 'demo', role: 'admin', tokenId: 'lambda-test', label: 'Lambda test' };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'corridor-edge-lambda-'));
  emulators = await startCorridorEmulators(dataDir);
  deps = emulatorDeps(emulators, {
    publicUrl: 'https://corridor.example',
    queues: { fanout: async () => {}, media: async () => {}, notifications: async () => {}, segments: async () => {} },
    cdn: { changed: async () => {}, removed: async () => {} },
  });
  await seedDemo(deps, dataDir);
});
afterAll(async () => {
  await emulators?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A post announcing one file, that file's bytes written to its incoming key, and the worker Lambda run on its notification. */
async function announceAndDeliver(declared: { contentType: string; bytes: number }, body: Buffer) {
  const created = await createPost(deps, staff, { idempotencyKey: crypto.randomUUID(), audience: 'public', media: [declared] });
  const mediaId = created.media[0]?.id ?? '';
  const key = incomingKey('demo', created.post.id, mediaId);
  await deps.clients.s3.send(
    new PutObjectCommand({ Bucket: deps.config.incomingBucket, Key: key, Body: body, ContentType: declared.contentType }),
  );
  const head = await deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
  const notification = s3ObjectCreated({
    bucket: deps.config.incomingBucket,
    key,
    size: head.ContentLength ?? 0,
    eTag: head.ETag ?? '',
  });
  const response = await mediaHandler(deps)(
    sqsEvent([sqsRecord(JSON.stringify(notification), { queue: 'corridor-prod-image' })]),
    lambdaContext('ImageWorker'),
  );
  // A refusal is the file's fault, not the worker's: the message is consumed, not retried.
  expect(response).toEqual({ batchItemFailures: [] });
  const after = await getPostWithMedia(deps, created.post.id);
  return { post: after?.post, media: after?.media[0] };
}

describe('the worker Lambda compares the stored object with the announcement', () => {
  it('fails a file of another size than announced, and so its post, in plain words', async () => {
    const photo = await readFile(corpusPath('png_exif_gps_1x1.png'));
    const { post, media } = await announceAndDeliver({ contentType: 'image/png', bytes: photo.length + 500 }, photo);
    expect(media?.state).toBe('failed');
    expect(media?.failure).toEqual({
      code: 'wrong_size',
      message: `This file is not the size the phone said it was — please send it again. (${photo.length} bytes arrived, ${photo.length + 500} bytes were announced)`,
    });
    expect(post?.state).toBe('failed');
  });

  it('fails a photo slot that received a recording', async () => {
    const sound = await readFile(corpusPath('audio_mp3_lame_vbr.mp3'));
    const { post, media } = await announceAndDeliver({ contentType: 'image/heic', bytes: sound.length }, sound);
    expect(media?.failure?.code).toBe('mismatch');
    expect(media?.failure?.message).toContain('announced as image/heic, but it is a sound recording (mp3)');
    expect(post?.state).toBe('failed');
  });

  it('publishes what matches its announcement', async () => {
    const photo = await readFile(corpusPath('png_exif_gps_1x1.png'));
    const { post, media } = await announceAndDeliver({ contentType: 'image/png', bytes: photo.length }, photo);
    expect(media?.state).toBe('ready');
    expect(post?.state).toBe('published');
  });
});
