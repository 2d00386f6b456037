import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { incomingKey } from '../../functions/aws/keys';
import { listKeys } from '../../functions/aws/s3-prefix';
import { type FaultPoint, faultPoints } from '../../functions/core/deps';
import { MEDIA_LEASE_MS } from '../../functions/core/jobs/media/item-state';
import { type IncomingOutcome, processIncoming } from '../../functions/core/jobs/media/worker';
import { getPostWithMedia } from '../../functions/core/posts/store';
import { segmentJobSchema } from '../../functions/core/segment-job';
import { segmentsHandler } from '../../functions/handlers/segments';
import { lambdaContext } from '../../functions/local/queue';
import { sqsEvent, sqsRecord } from '../helpers/aws-events';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { listPostMediaKeys } from '../helpers/site-state';

/**
 * Issue 20, acceptance 2: crash a long video's jobs at every new fault point — after the split, after
 * each piece (every piece crashes once), after the join — and check the end state: the post published
 * once, its media ready, and nothing of the split (pieces, sound, original) left in storage.
 *
 * The clip is the corpus's 9.7 s 3GP (H.263, AMR), split into 2 s pieces: small enough to crash
 * repeatedly on two cores, long enough for several pieces.
 */

const CLIP = corpusPath('video_3gpp_h263_amr.3gp');
const segmentFaults = faultPoints.filter((point) => point.startsWith('segments:'));

describe.each(segmentFaults.map((point) => [point]))('crashing a long video at %s', (point: FaultPoint) => {
  it('publishes the post once and leaves no temporary object behind', async () => {
    const crashed = new Set<string>();
    let clockOffset = 0;
    const corridor = await startTestCorridor({
      holdNotifications: true,
      videoSplit: { afterSeconds: 0, segmentSeconds: 2 },
      now: () => new Date(Date.now() + clockOffset),
      faults: (at, detail) => {
        // Each piece crashes once; the split and the join crash on their first attempt.
        const key = `${at}:${detail ?? ''}`;
        if (at !== point || crashed.has(key)) return;
        crashed.add(key);
        // While the worker is down its lease runs out, as it would before another worker takes over.
        clockOffset += MEDIA_LEASE_MS + 1000;
        throw new Error(`injected crash at ${key}`);
      },
    });
    try {
      const { deps } = corridor.local;
      const created = await corridor.post({
        audience: 'public',
        caption: 'Our newsletter #crash',
        files: [{ path: CLIP, contentType: 'video/3gpp' }],
        noWait: true,
      });
      await corridor.local.idle();
      const post = (await corridor.api<{ post: PostView }>('GET', `/api/posts/${created.id}`)).body.post;

      expect(crashed.size, 'the fault point was reached').toBeGreaterThanOrEqual(1);
      if (point === 'segments:after-piece') expect(crashed.size, 'every piece crashed once').toBeGreaterThanOrEqual(4);
      expect(post.state, post.failure?.message).toBe('published');
      expect(post.media[0]).toMatchObject({ state: 'ready', progress: 100 });

      // Published once: the school's feed lists it once, and the media objects are exactly the item's.
      const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as { items: { id: string }[] };
      expect(feed.items.filter((item) => item.id === post.url)).toHaveLength(1);
      const outputs = (await getPostWithMedia(deps, post.id))?.media[0]?.outputs.map((o) => o.key) ?? [];
      expect(outputs.length).toBeGreaterThan(1);
      expect((await listPostMediaKeys(deps)).sort()).toEqual([...outputs].sort());

      // Nothing of the split, and not the original, is left in the incoming bucket.
      expect(await listKeys(deps.clients.s3, deps.config.incomingBucket, '')).toEqual([]);
    } finally {
      await corridor.stop();
    }
  }, 300_000);
});

describe('a piece the encoder refuses', () => {
  it('fails the post with a named reason saying which part, and leaves nothing behind', async () => {
    const corridor = await startTestCorridor({
      holdNotifications: true,
      holdSegments: true,
      videoSplit: { afterSeconds: 0, segmentSeconds: 2 },
    });
    try {
      const { deps } = corridor.local;
      const created = await corridor.post({
        audience: 'public',
        caption: 'A newsletter with a damaged middle',
        files: [{ path: CLIP, contentType: 'video/3gpp' }],
        noWait: true,
      });
      await corridor.local.idle();
      // The split is stored and its piece jobs wait in the queue: damage the second piece in storage.
      const jobs = corridor.local.segmentsQueue.held().map((body) => segmentJobSchema.parse(body));
      expect(jobs.length).toBeGreaterThanOrEqual(2);
      const pieceKeys = await listKeys(deps.clients.s3, deps.config.incomingBucket, 'work/');
      const second = pieceKeys.find((key) => key.endsWith('/source-1.nut'));
      expect(second).toBeDefined();
      await deps.clients.s3.send(
        new PutObjectCommand({ Bucket: deps.config.incomingBucket, Key: second, Body: Buffer.from('not a video at all') }),
      );
      // Deliver the held jobs to the segments Lambda handler, as the event source mapping would.
      const handler = segmentsHandler(deps);
      for (const job of jobs) {
        await handler(sqsEvent([sqsRecord(JSON.stringify(job), { queue: 'corridor-prod-segments' })]), lambdaContext('Segments'));
      }
      await corridor.local.idle();

      const post = (await corridor.api<{ post: PostView }>('GET', `/api/posts/${created.id}`)).body.post;
      expect(post.state).toBe('failed');
      expect(post.media[0]?.failure?.code).toBe('damaged');
      expect(post.media[0]?.failure?.message).toMatch(/part 2 of \d+/);
      expect(await listKeys(deps.clients.s3, deps.config.incomingBucket, '')).toEqual([]);
      expect(await listPostMediaKeys(deps)).toEqual([]);
    } finally {
      await corridor.stop();
    }
  }, 300_000);
});

describe('a long video whose item settles while it is being split', () => {
  it('ends the split job without error, queues no piece and leaves nothing of that split behind', async () => {
    let clockOffset = 0;
    let splitKeys: string[] = [];
    let splits = 0;
    let takeover: IncomingOutcome | undefined;
    // The hook runs once the post is uploaded, long after `corridor` is assigned.
    let corridor: TestCorridor | undefined;
    corridor = await startTestCorridor({
      holdNotifications: true,
      // Piece jobs stay in the queue where the test can see them (none may be sent).
      holdSegments: true,
      // One delivery only: a split job that throws lands in the dead-letter list at once.
      queueOptions: { retryDelayMs: 20, maxReceiveCount: 1 },
      videoSplit: { afterSeconds: 0, segmentSeconds: 2 },
      now: () => new Date(Date.now() + clockOffset),
      faults: async (at) => {
        if (at !== 'segments:after-split' || !corridor) return;
        splits++;
        const { deps } = corridor.local;
        // This split's pieces are stored and its plan not yet recorded.
        splitKeys = await listKeys(deps.clients.s3, deps.config.incomingBucket, 'work/');
        const [, schoolId = '', postId = '', mediaId = ''] = splitKeys[0]?.split('/') ?? [];
        // Meanwhile its lease runs out, and another worker (one deployed with a threshold this clip is
        // under) takes the item over and finishes it in one job: the item is ready, the post published.
        clockOffset += MEDIA_LEASE_MS + 1000;
        const other = { ...deps, config: { ...deps.config, videoSplitAfterSeconds: 3600 } };
        takeover = await processIncoming(other, { key: incomingKey(schoolId, postId, mediaId) });
      },
    });
    try {
      const { deps } = corridor.local;
      const created = await corridor.post({
        audience: 'public',
        caption: 'Our newsletter, finished by another worker',
        files: [{ path: CLIP, contentType: 'video/3gpp' }],
        noWait: true,
      });
      await corridor.local.idle();

      expect(splits, 'the split was stored once').toBe(1);
      expect(splitKeys.length, 'the split stored its pieces').toBeGreaterThanOrEqual(4);
      expect(takeover, 'the other worker finished the item').toBe('processed');
      // The split job ended without error (one delivery allowed), and queued no piece or join.
      expect(corridor.local.mediaQueue.deadLetters).toEqual([]);
      expect(corridor.local.segmentsQueue.held()).toEqual([]);
      // Nothing of that split, and not the original, is left in the incoming bucket.
      expect(await listKeys(deps.clients.s3, deps.config.incomingBucket, '')).toEqual([]);

      const post = (await corridor.api<{ post: PostView }>('GET', `/api/posts/${created.id}`)).body.post;
      expect(post.state, post.failure?.message).toBe('published');
      expect(post.media[0]).toMatchObject({ state: 'ready', progress: 100 });
      const outputs = (await getPostWithMedia(deps, post.id))?.media[0]?.outputs.map((o) => o.key) ?? [];
      expect((await listPostMediaKeys(deps)).sort()).toEqual([...outputs].sort());
    } finally {
      await corridor.stop();
    }
  }, 300_000);
});
