import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segment } from '../../functions/api/client';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { listPostMediaKeys } from '../helpers/site-state';

/**
 * Retract is total, even for a post whose photo is still being processed: the retract's fan-out runs
 * before the worker has stored anything, so it finds nothing to delete — the worker's tail must find the
 * post retracted and delete what it stored (jobs/media/retracted.ts). Found by a review: a video
 * retracted while its pieces were encoding left its .mp4, poster and still in the public site bucket.
 */
let corridor: TestCorridor;
let postKnown: (id: string) => void = () => undefined;
const postId = new Promise<string>((resolve) => {
  postKnown = resolve;
});
let retract: { status: number; stateBefore?: string } | undefined;
let outputsWhenRetracted: string[] | undefined;

beforeAll(async () => {
  corridor = await startTestCorridor({
    // The worker has claimed the photo and not yet processed it: the head presses Retract, and its
    // fan-out runs to the end before the worker goes on.
    faults: async (point) => {
      if (point !== 'media:after-claim' || retract) return;
      const id = await postId;
      const before = await corridor.client().api.posts[':id'].$get({ param: { id: segment(id) } });
      retract = { status: 0, stateBefore: before.ok ? (await before.json()).post.state : undefined };
      retract.status = (await corridor.api('DELETE', `/api/posts/${id}`)).status;
      await corridor.local.fanoutQueue.idle();
      outputsWhenRetracted = await listPostMediaKeys(corridor.local.deps);
    },
  });
});
afterAll(() => corridor?.stop());

describe('a post retracted while its photo is processed', () => {
  it('ends retracted and gone, with none of the outputs the worker stored after the retract', async () => {
    const post = await corridor.post({
      audience: 'public',
      caption: 'Sports day',
      files: [{ path: corpusPath('photo_android_pixel_gps.jpg'), alt: 'The relay race' }],
      noWait: true,
    });
    postKnown(post.id);
    await corridor.local.idle();

    // The retract came while the photo was processing, and its fan-out found nothing stored yet.
    expect(retract).toEqual({ status: 200, stateBefore: 'processing' });
    expect(outputsWhenRetracted).toEqual([]);
    const read = await corridor.client().api.posts[':id'].$get({ param: { id: segment(post.id) } });
    expect(read.status).toBe(200);
    if (!read.ok) return;
    const { post: after } = await read.json();
    expect(after).toMatchObject({ state: 'retracted', gone: true, live: false });
    // The worker went on and stored the photo's sizes and formats (recorded on its item), then found the
    // post retracted and deleted them: nothing of it is left in the public bucket.
    expect(after.media[0]?.state).toBe('ready');
    expect(await listPostMediaKeys(corridor.local.deps)).toEqual([]);
  });
});
