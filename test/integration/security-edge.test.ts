import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { dirname } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { incomingKey } from '../../functions/aws/keys';
import type { UploadInstruction } from '../../functions/core/media/upload-instruction';
import type { SingleUploadInstruction } from '../../functions/core/media/uploads';
import { LOCAL_NAMES } from '../../functions/local/runtime';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * Issue 15, the local S3 edge: an adversarial run found that `/_s3/*` forwarded every method to s3rver
 * unauthenticated. Each finding is reproduced here with the real SDK presigner (for URLs signed with the
 * right credentials but for the wrong thing) and raw HTTP (for byte-exact forged paths), and shown refused
 * in S3's XML with plain words; then the worker's own comparison of what arrived with what was announced.
 */

let corridor: TestCorridor;
let photo: Buffer;
beforeAll(async () => {
  corridor = await startTestCorridor();
  photo = await readFile(corpusPath('photo_iphone5_gps_orient3.jpg'));
});
afterAll(() => corridor.stop());

/** Sends exactly this method, path and body (no URL normalisation, no added headers but Host). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; body: string; contentType: string }> {
  const { hostname, port } = new URL(corridor.url);
  return new Promise((resolve, reject) => {
    // A fresh connection each time: a refused upload may close its socket before the body was read.
    const request = httpRequest({ hostname, port, method, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: String(response.headers['content-type'] ?? ''),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** An S3-shaped refusal with a plain sentence: its code, and a message a person can read. */
function expectS3Refusal(answer: { status: number; body: string; contentType: string }, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toContain('application/xml');
  expect(answer.body).toContain(`<Code>${code}</Code>`);
  const message = /<Message>([^<]+)<\/Message>/.exec(answer.body)?.[1] ?? '';
  expect(message).toMatch(/^[A-Z][^<>]{20,}\.$/);
  return message;
}

async function createPost(media: { contentType: string; bytes: number }[], audience = 'class:year-1') {
  const created = await corridor.api<{ post: PostView; uploads: UploadInstruction[] }>('POST', '/api/posts', {
    idempotencyKey: crypto.randomUUID(),
    audience,
    caption: 'Edge test',
    media,
  });
  expect(created.status).toBe(201);
  return created.body;
}

const single = (uploads: UploadInstruction[]) => {
  const [upload] = uploads;
  if (upload?.kind !== 'single') throw new Error('expected a single PUT');
  return upload;
};

const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

const state = async (postId: string) => (await corridor.api<{ post: PostView }>('GET', `/api/posts/${postId}`)).body.post;

const objectExists = (bucket: string, key: string) =>
  corridor.local.deps.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );

describe('the local S3 edge accepts only what S3 would', () => {
  it('lists nothing: not the site bucket (private feed tokens), not the incoming bucket', async () => {
    for (const path of ['/_s3/corridor-site', '/_s3/corridor-site/', '/_s3/corridor-incoming?list-type=2', '/_s3/', '/_s3']) {
      const answer = await raw('GET', path);
      expectS3Refusal(answer, 403, 'AccessDenied');
      expect(answer.body).not.toContain('ListBucketResult');
      expect(answer.body).not.toMatch(/c\/[A-Za-z0-9_-]{20,}/);
    }
  });

  it('never serves an original, even with a presigned GET made with the right credentials', async () => {
    const { post, uploads } = await createPost([{ contentType: 'image/jpeg', bytes: photo.length }]);
    const upload = single(uploads);
    const key = incomingKey('demo', post.id, upload.mediaId);
    const presignedGet = await getSignedUrl(
      corridor.local.deps.clients.s3Presign,
      new GetObjectCommand({ Bucket: LOCAL_NAMES.incomingBucket, Key: key }),
      { expiresIn: 600 },
    );
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(photo) });
    expect(put.status).toBe(200);
    // At once, while the original (with its GPS position) may still be in the bucket.
    for (const path of [`/_s3/${LOCAL_NAMES.incomingBucket}/${key}`, pathOf(presignedGet)]) {
      for (const method of ['GET', 'HEAD']) {
        const answer = await raw(method, path);
        expect(answer.status).toBe(403);
        if (method === 'GET') expectS3Refusal(answer, 403, 'AccessDenied');
        expect(answer.body).not.toContain('Exif');
      }
    }
    await corridor.local.idle();
    expect((await state(post.id)).state).toBe('published');
  });

  it('refuses an unsigned upload, and the file slot stays waiting', async () => {
    const { post, uploads } = await createPost([{ contentType: 'image/jpeg', bytes: photo.length }]);
    const upload = single(uploads);
    const unsigned = new URL(upload.url).pathname;
    const message = expectS3Refusal(await raw('PUT', unsigned, upload.headers, photo), 403, 'AccessDenied');
    expect(message).toContain('no signature');
    await corridor.local.idle();
    expect((await state(post.id)).media[0]?.state).toBe('awaiting_upload');
    expect(await objectExists(LOCAL_NAMES.incomingBucket, incomingKey('demo', post.id, upload.mediaId))).toBe(false);
  });

  it('refuses an expired link and one signed with another secret', async () => {
    const { post, uploads } = await createPost([{ contentType: 'image/jpeg', bytes: photo.length }]);
    const upload = single(uploads);
    const command = () =>
      new PutObjectCommand({
        Bucket: LOCAL_NAMES.incomingBucket,
        Key: incomingKey('demo', post.id, upload.mediaId),
        ContentType: 'image/jpeg',
        ContentLength: photo.length,
      });
    const signable = { signableHeaders: new Set(['content-type']) };
    const expired = await getSignedUrl(corridor.local.deps.clients.s3Presign, command(), {
      ...signable,
      expiresIn: 3600,
      signingDate: new Date(Date.now() - 2 * 3600 * 1000),
    });
    const stale = await fetch(expired, { method: 'PUT', headers: upload.headers, body: new Uint8Array(photo) });
    const staleText = await stale.text();
    expect(stale.status).toBe(403);
    expect(staleText).toContain('expired');

    const stranger = new S3Client({
      region: 'eu-west-2',
      endpoint: `${corridor.url}/_s3`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'guessed-secret' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const forged = await getSignedUrl(stranger, command(), { ...signable, expiresIn: 600 });
    expectS3Refusal(
      await raw('PUT', pathOf(forged), { ...upload.headers, 'content-length': String(photo.length) }, photo),
      403,
      'SignatureDoesNotMatch',
    );
    stranger.destroy();
    expect((await state(post.id)).media[0]?.state).toBe('awaiting_upload');
  });

  it('refuses a body larger than signed, and a content type other than signed', async () => {
    const { post, uploads } = await createPost([{ contentType: 'image/jpeg', bytes: 1000 }]);
    const upload = single(uploads);
    // The real presigner's URL, sent with the whole photo instead of the 1,000 bytes announced.
    const oversize = await raw('PUT', pathOf(upload.url), { ...upload.headers, 'content-length': String(photo.length) }, photo);
    expect(expectS3Refusal(oversize, 403, 'SignatureDoesNotMatch')).toContain('size or type');
    // The right size, sent as a script instead of a photo.
    const script = Buffer.alloc(1000, 'alert(1);');
    const foreign = await raw('PUT', pathOf(upload.url), { 'content-type': 'text/javascript', 'content-length': '1000' }, script);
    expectS3Refusal(foreign, 403, 'SignatureDoesNotMatch');
    await corridor.local.idle();
    expect((await state(post.id)).media[0]?.state).toBe('awaiting_upload');
  });

  it('writes nothing outside the incoming keys: no traversal, no other bucket, no other operation', async () => {
    const { post, uploads } = await createPost([{ contentType: 'image/jpeg', bytes: photo.length }]);
    const upload = single(uploads);
    const marker = `escape-${Date.now()}`;
    const outside = dirname(corridor.dataDir);
    const before = await readdir(outside);
    const query = new URL(upload.url).search;
    const headers = { ...upload.headers, 'content-length': String(photo.length) };
    // Correctly signed (by the real presigner, with the local credentials) but for keys that climb out.
    const climbing = await getSignedUrl(
      corridor.local.deps.clients.s3Presign,
      new PutObjectCommand({
        Bucket: LOCAL_NAMES.incomingBucket,
        Key: `../../../${marker}`,
        ContentType: 'image/jpeg',
        ContentLength: photo.length,
      }),
      { expiresIn: 600, signableHeaders: new Set(['content-type']) },
    );
    for (const path of [
      `/_s3/${LOCAL_NAMES.incomingBucket}/..%2f..%2f..%2f${marker}${query}`,
      `/_s3/${LOCAL_NAMES.incomingBucket}/incoming/demo/${post.id}/..%2F..%2F..%2F..%2F..%2F${marker}${query}`,
      `/_s3/${LOCAL_NAMES.incomingBucket}/%2e%2e/%2e%2e/%2e%2e/${marker}${query}`,
      `/_s3/${LOCAL_NAMES.incomingBucket}/../../../${marker}${query}`,
      pathOf(climbing),
    ]) {
      const answer = await raw('PUT', path, headers, photo);
      // A path whose dots the URL parser resolves (`/_s3/b/../../../x` and `/_s3/b/%2e%2e/…` are `/x`)
      // never reaches the edge at all; every other one is refused by it in S3's words.
      if (!new URL(path, corridor.url).pathname.startsWith('/_s3/')) expect([404, 413]).toContain(answer.status);
      else expect(answer.body).toMatch(/<Error><Code>(AccessDenied|InvalidRequest)<\/Code>/);
    }
    const after = await readdir(outside);
    expect(after.filter((name) => name.includes(marker))).toEqual([]);
    expect(after.filter((name) => !before.includes(name) && name.includes('S3rver'))).toEqual([]);

    // Other operations on a real upload key: a multipart start, a delete, an ACL change.
    const key = `/_s3/${LOCAL_NAMES.incomingBucket}/${incomingKey('demo', post.id, upload.mediaId)}`;
    expectS3Refusal(await raw('POST', `${key}?uploads`), 405, 'MethodNotAllowed');
    expectS3Refusal(await raw('DELETE', key), 405, 'MethodNotAllowed');
    expectS3Refusal(await raw('PUT', `${key}?acl${query.replace('?', '&')}`, headers, photo), 400, 'InvalidRequest');
  });

  it('never writes to the site bucket: a .js "upload" is refused and not served from Corridor’s origin', async () => {
    const script = Buffer.from('document.title = "owned";');
    const presigned = await getSignedUrl(
      corridor.local.deps.clients.s3Presign,
      new PutObjectCommand({
        Bucket: LOCAL_NAMES.siteBucket,
        Key: 's/demo/evil.js',
        ContentType: 'text/javascript',
        ContentLength: script.length,
      }),
      { expiresIn: 600, signableHeaders: new Set(['content-type']) },
    );
    const headers = { 'content-type': 'text/javascript', 'content-length': String(script.length) };
    for (const path of [pathOf(presigned), new URL(presigned).pathname, '/_s3/corridor-site/media/evil.js']) {
      expectS3Refusal(await raw('PUT', path, headers, script), 403, 'AccessDenied');
    }
    expect(await objectExists(LOCAL_NAMES.siteBucket, 's/demo/evil.js')).toBe(false);
    const served = await corridor.fetch('/s/demo/evil.js');
    expect(served.status).toBe(404);
    expect(served.headers.get('content-type')).not.toContain('javascript');
  });

  it('passes what the SDK presigner made for the composer and the CLI: a single PUT and the parts of a large file', async () => {
    const { uploads } = await createPost([{ contentType: 'image/jpeg', bytes: photo.length }]);
    const upload: SingleUploadInstruction = single(uploads);
    expect(new URL(upload.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(photo) })).status).toBe(200);

    const bytes = 17 * 1024 * 1024;
    const large = await createPost([{ contentType: 'video/mp4', bytes }]);
    const [multipart] = large.uploads;
    if (multipart?.kind !== 'multipart') throw new Error('expected a multipart upload');
    const last = multipart.parts.at(-1);
    if (!last) throw new Error('no parts');
    // A part of the wrong size is refused; the right one passes and answers with its ETag.
    const short = await raw('PUT', pathOf(last.url), { 'content-length': String(last.bytes - 1) }, Buffer.alloc(last.bytes - 1));
    expectS3Refusal(short, 403, 'SignatureDoesNotMatch');
    const part = await fetch(last.url, { method: 'PUT', body: new Uint8Array(last.bytes) });
    expect(part.status).toBe(200);
    expect(part.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    // A part URL with its part number changed no longer matches its signature.
    const moved = new URL(last.url);
    moved.searchParams.set('partNumber', '1');
    expectS3Refusal(
      await raw('PUT', pathOf(moved.toString()), { 'content-length': String(last.bytes) }, Buffer.alloc(last.bytes)),
      403,
      'SignatureDoesNotMatch',
    );
    // And a part URL for another upload id is not made by anyone who lacks the secret.
    const other = await getSignedUrl(
      new S3Client({
        region: 'eu-west-2',
        endpoint: `${corridor.url}/_s3`,
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'nope' },
        requestChecksumCalculation: 'WHEN_REQUIRED',
      }),
      new UploadPartCommand({
        Bucket: LOCAL_NAMES.incomingBucket,
        Key: incomingKey('demo', large.post.id, multipart.mediaId),
        UploadId: 'x',
        PartNumber: 1,
        ContentLength: 5,
      }),
      { expiresIn: 60 },
    );
    expectS3Refusal(await raw('PUT', pathOf(other), { 'content-length': '5' }, Buffer.alloc(5)), 403, 'SignatureDoesNotMatch');
  });
});

describe('the worker compares what arrived with what was announced', () => {
  it('fails a file whose stored size differs from the declared one, in words a teacher understands', async () => {
    const { post, uploads } = await createPost([{ contentType: 'image/jpeg', bytes: photo.length }], 'public');
    const upload = single(uploads);
    // Written past the edge, as a multipart upload's parts or a bucket written some other way could be.
    await corridor.local.deps.clients.s3.send(
      new PutObjectCommand({
        Bucket: LOCAL_NAMES.incomingBucket,
        Key: incomingKey('demo', post.id, upload.mediaId),
        Body: photo.subarray(0, photo.length - 100),
        ContentType: 'image/jpeg',
      }),
    );
    await corridor.local.idle();
    const after = await state(post.id);
    expect(after.state).toBe('failed');
    expect(after.media[0]?.failure?.code).toBe('wrong_size');
    expect(after.media[0]?.failure?.message).toContain('This file is not the size the phone said it was — please send it again.');
    expect(after.media[0]?.failure?.message).toContain(`${((photo.length - 100) / 1024 / 1024).toFixed(1)} MB arrived`);
    expect(await objectExists(LOCAL_NAMES.incomingBucket, incomingKey('demo', post.id, upload.mediaId))).toBe(false);
    expect(await (await corridor.fetch('/s/demo/feed.json')).text()).not.toContain(post.id);
  });

  it('fails a recording announced as a photo (the signed type was honoured, the bytes were not a photo)', async () => {
    const sound = await readFile(corpusPath('audio_iphone_voice_memo.m4a'));
    const { post, uploads } = await createPost([{ contentType: 'image/jpeg', bytes: sound.length }], 'public');
    const upload = single(uploads);
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(sound) })).status).toBe(200);
    await corridor.local.idle();
    const after = await state(post.id);
    expect(after.state).toBe('failed');
    expect(after.media[0]?.failure?.code).toBe('mismatch');
    expect(after.media[0]?.failure?.message).toMatch(
      /^This file is not the kind that was announced.*announced as image\/jpeg, but it is a sound recording \(m4a\)/,
    );
  });

  it('accepts a recording announced as video: sound and video share containers', async () => {
    const sound = await readFile(corpusPath('audio_iphone_voice_memo.m4a'));
    const { post, uploads } = await createPost([{ contentType: 'video/mp4', bytes: sound.length }], 'public');
    const upload = single(uploads);
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(sound) })).status).toBe(200);
    await corridor.local.idle();
    const after = await state(post.id);
    expect(after.state).toBe('published');
    expect(after.media[0]?.state).toBe('ready');
  });
});
