import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/core/deps';
import type { Emulators } from '../../functions/local/emulators';
import { emulatorDeps, LOCAL_NAMES, startCorridorEmulators } from '../../functions/local/runtime';
import { EMBED_SCRIPT_CACHE, IMMUTABLE, REVALIDATE } from '../../web/build/assets';
import { buildWeb, type WebBuild } from '../../web/build/index';
import { publishWebBuild } from '../../web/build/publish';

let dataDir: string;
let emulators: Emulators;
let deps: Deps;
let build: WebBuild;
const bucket = LOCAL_NAMES.siteBucket;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'corridor-web-deploy-'));
  emulators = await startCorridorEmulators(dataDir);
  const noop = async () => {};
  deps = emulatorDeps(emulators, {
    publicUrl: 'https://corridor.example',
    queues: { fanout: noop, media: noop, notifications: noop, segments: noop },
    cdn: { changed: noop, removed: noop },
  });
  build = await buildWeb();
});

afterAll(async () => {
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('publishing the web build to a deployed site bucket (real SDK on s3rver)', () => {
  it('stores every file under the key CloudFront serves, with its own type and caching, and leaves the rest', async () => {
    const s3 = deps.clients.s3;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 's/demo/index.html', Body: 'school page', ContentType: 'text/html' }),
    );

    const published = await publishWebBuild(s3, bucket, build.assets.values());

    expect(published.uploaded).toBe(build.assets.size);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = new Set((listed.Contents ?? []).map((o) => o.Key));
    for (const path of build.assets.keys()) expect(keys).toContain(path);
    expect(keys).toContain('s/demo/index.html');

    const embed = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'embed.js' }));
    expect(embed.ContentType).toMatch(/^text\/javascript/);
    expect(embed.CacheControl).toBe(EMBED_SCRIPT_CACHE);
    const page = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'compose/index.html' }));
    expect(page.CacheControl).toBe(REVALIDATE);
    const html = await page.Body?.transformToString();
    // Every script the page loads is in the bucket, immutable under its content hash.
    const scripts = [...(html ?? '').matchAll(/src="\/(compose\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: script }));
      expect(head.CacheControl).toBe(IMMUTABLE);
    }
  });

  it('asks the CDN to drop only the stable-named files', async () => {
    const published = await publishWebBuild(deps.clients.s3, bucket, build.assets.values());
    expect(published.invalidate).toContain('/embed.js');
    expect(published.invalidate).toContain('/compose/index.html');
    for (const path of published.invalidate) expect(build.assets.get(path.slice(1))?.cacheControl).not.toBe(IMMUTABLE);
  });
});
