import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ClassicLevel } from 'classic-level';
import { describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { pendingKey } from '../../functions/aws/keys';
import { sweep } from '../../functions/core/jobs/sweeper';
import type { UploadInstruction } from '../../functions/core/media/upload-instruction';
import { getPostWithMedia } from '../../functions/core/posts/store';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { testClock } from '../helpers/parents';

/**
 * Issue 15, "lost posts": the start-up and periodic sweeps re-drive every kind of work a crash leaves in
 * flight, even when the message that carried it is gone (dead-lettered here, with maxReceiveCount 1) and
 * even when dynalite's index lost the item; and an upload that never arrives fails its post and leaves
 * nothing behind. (The kill -9 of a real server is crash-kill9.test.ts.)
 */

const TINY_PHOTO = corpusPath('png_exif_gps_1x1.png');

/** A fault that crashes the worker the first time it reaches `point`, and never again. */
function crashOnceAt(point: string) {
  let crashed = false;
  return (at: string) => {
    if (at !== point || crashed) return;
    crashed = true;
    throw new Error(`injected crash at ${at}`);
  };
}

const view = async (corridor: TestCorridor, id: string) =>
  (await corridor.api<{ post: PostView }>('GET', `/api/posts/${id}`)).body.post;

/**
 * Deletes dynalite's gsi1 entries for one post's items of a pending partition, straight from its LevelDB
 * (the server must be stopped): what a kill -9 between dynalite's item write and its index write leaves.
 * Returns how many entries it deleted.
 */
async function dropIndexEntries(dataDir: string, postId: string, partition: string): Promise<number> {
  const db = new ClassicLevel<string, Record<string, { S?: string }>>(join(dataDir, 'dynamo'), { valueEncoding: 'json' });
  let dropped = 0;
  try {
    for await (const [key, item] of db.iterator({ gt: 'index-global~corridor~gsi1~', lt: 'index-global~corridor~gsi1~\uffff' })) {
      if (item.pk?.S === `POST#${postId}` && item.gsi1pk?.S === partition) {
        await db.del(key);
        dropped++;
      }
    }
  } finally {
    await db.close();
  }
  return dropped;
}

describe('the sweeps re-drive what a crash left', () => {
  it('settles a post whose last file became ready just before a crash, even when the index lost the post', async () => {
    const corridor = await startTestCorridor({
      faults: crashOnceAt('media:before-settle'),
      queueOptions: { retryDelayMs: 20, maxReceiveCount: 1 },
    });
    try {
      const post = await corridor.post({
        audience: 'public',
        caption: 'Ready, then a crash',
        files: [{ path: TINY_PHOTO, contentType: 'image/png' }],
      });
      // The message died with the crash (dead-lettered): the file is ready, the post is not settled.
      expect(post.state).toBe('processing');
      expect(post.media.map((m) => m.state)).toEqual(['ready']);
      expect(post.status).toBe('Processed, publishing');
      await corridor.restart(async () => {
        expect(await dropIndexEntries(corridor.dataDir, post.id, pendingKey('settle', post.id))).toBe(1);
      });
      await corridor.local.idle();
      const after = await view(corridor, post.id);
      expect(after).toMatchObject({ state: 'published', live: true, status: 'Published on every channel' });
    } finally {
      await corridor.stop();
    }
  });

  it('takes over a fan-out task whose lease the killed process held, at start-up rather than after the lease', async () => {
    const corridor = await startTestCorridor({
      faults: crashOnceAt('fanout:after-claim'),
      queueOptions: { retryDelayMs: 20, maxReceiveCount: 1 },
    });
    try {
      const post = await corridor.post({ audience: 'school', caption: 'A fan-out cut short' });
      expect(post).toMatchObject({ state: 'published', live: false });
      await corridor.restart();
      await corridor.local.idle();
      expect(await view(corridor, post.id)).toMatchObject({ state: 'published', live: true });
    } finally {
      await corridor.stop();
    }
  });
});

describe('an upload that never arrives', () => {
  it('fails its post with a reason after the stated time, and removes every stray object', async () => {
    const clock = testClock('2026-06-10T09:00:00Z');
    const corridor = await startTestCorridor({ now: clock.now, abandonUploadsAfterSeconds: 3600 });
    try {
      const { deps } = corridor.local;
      const photo = await readFile(TINY_PHOTO);
      const big = Buffer.alloc(17 * 1024 * 1024, 7); // over the multipart threshold: sent in parts
      const created = await corridor.api<{ post: PostView; uploads: UploadInstruction[] }>('POST', '/api/posts', {
        idempotencyKey: crypto.randomUUID(),
        audience: 'public',
        caption: 'Three files, one arrives',
        media: [
          { contentType: 'image/png', bytes: photo.length },
          { contentType: 'image/png', bytes: photo.length },
          { contentType: 'video/mp4', bytes: big.length },
        ],
      });
      const [first, second, third] = created.body.uploads as [UploadInstruction, UploadInstruction, UploadInstruction];
      const postId = created.body.post.id;
      await corridor.upload(postId, first, photo);
      await corridor.upload(postId, third, big, { onlyParts: [1] }); // the phone lost signal after one part
      await corridor.local.idle();
      expect((await view(corridor, postId)).status).toBe('File 2 of 3: Waiting for the upload');

      // Not yet: an hour has not passed.
      clock.advance(30 * 60_000);
      expect((await sweep(deps, { graceMs: 0 })).uploadsAbandoned).toBe(0);
      clock.advance(31 * 60_000);
      expect((await sweep(deps, { graceMs: 0 })).uploadsAbandoned).toBe(1);

      const failed = await view(corridor, postId);
      expect(failed.state).toBe('failed');
      expect(failed.status).toBe(
        'Failed: This file never arrived: its upload was not finished in time. Please post it again. (not finished within 1 hour)',
      );
      expect(failed.media.map((m) => m.state)).toEqual(['ready', 'failed', 'failed']);
      const incoming = async () =>
        (await deps.clients.s3.send(new ListObjectsV2Command({ Bucket: deps.config.incomingBucket }))).Contents ?? [];
      expect(await incoming()).toEqual([]);
      // The parts of the unfinished multipart upload are gone from s3rver's store too.
      const uploads = join(corridor.dataDir, 's3', deps.config.incomingBucket, '._S3rver_uploads');
      expect(await readdir(uploads).catch(() => [])).toEqual([]);
      // The photo that did arrive was processed; its outputs are removed with the post.
      const outputs = (await getPostWithMedia(deps, postId))?.media[0]?.outputs ?? [];
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) {
        await expect(
          deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.config.siteBucket, Key: output.key })),
        ).rejects.toMatchObject({ name: 'NotFound' });
      }

      // The missing photo turns up a day late: refused and deleted, the post stays failed.
      await corridor.upload(postId, second, photo);
      await corridor.local.idle();
      expect(await incoming()).toEqual([]);
      expect((await view(corridor, postId)).state).toBe('failed');
      // Sweeping again changes nothing.
      expect((await sweep(deps, { graceMs: 0 })).uploadsAbandoned).toBe(0);
    } finally {
      await corridor.stop();
    }
  });
});
