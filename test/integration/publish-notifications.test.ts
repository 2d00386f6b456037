import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { createFamily, type Family, listFamilies } from '../../functions/core/families/family';
import { sweep } from '../../functions/core/jobs/sweeper';
import type { Notification } from '../../functions/core/notification';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { heldNotifications } from '../helpers/parents';

/** The outbox's contract with delivery: one message per (post, family) the post was meant for. */

let corridor: TestCorridor;
let families: Record<'year1' | 'year2' | 'both' | 'none', Family>;
beforeAll(async () => {
  // Delivery is tested on its own (parents-*.test.ts): here the queue holds what the outbox sent.
  corridor = await startTestCorridor({ holdNotifications: true });
  const { deps } = corridor.local;
  families = {
    year1: await createFamily(deps, { schoolId: 'demo', classIds: ['year-1'] }),
    year2: await createFamily(deps, { schoolId: 'demo', classIds: ['year-2'] }),
    both: await createFamily(deps, { schoolId: 'demo', classIds: ['year-1', 'year-2', 'year-1'] }),
    none: await createFamily(deps, { schoolId: 'demo' }),
  };
});
afterAll(() => corridor?.stop());

const sentFor = (postId: string): Notification[] => heldNotifications(corridor, postId);
const familiesNotified = (postId: string) => sentFor(postId).map((n) => n.familyId);
const ids = (...list: Family[]) => list.map((f) => f.id).sort();

describe('families', () => {
  it('lists the families of a school, each with its classes once', async () => {
    const listed = await listFamilies(corridor.local.deps, 'demo');
    expect(listed.map((f) => f.id).sort()).toEqual(ids(...Object.values(families)));
    expect(listed.find((f) => f.id === families.both.id)?.classIds).toEqual(['year-1', 'year-2']);
  });

  it('refuses a class the school does not have', async () => {
    await expect(createFamily(corridor.local.deps, { schoolId: 'demo', classIds: ['nope'] })).rejects.toThrow(
      'unknown or archived class',
    );
  });
});

describe('enqueued once per (post, family) the post is meant for', () => {
  it.each([
    [['public'], ['year1', 'year2', 'both', 'none']],
    [['school'], ['year1', 'year2', 'both', 'none']],
    [['class:year-1'], ['year1', 'both']],
    [
      ['class:year-1', 'class:year-2'],
      ['year1', 'year2', 'both'],
    ],
  ] as const)('audience %j reaches %j', async (audience, expected) => {
    const post = await corridor.post({ audience: [...audience], caption: `to ${audience.join(' and ')}` });
    expect(post.live).toBe(true);
    expect(familiesNotified(post.id).sort()).toEqual(ids(...expected.map((name) => families[name])));
    expect(sentFor(post.id).every((n) => n.kind === 'post_published' && n.key === `${post.id}:${n.familyId}`)).toBe(true);
  });

  it('does not notify again when a published post is edited, not even families its new audience adds', async () => {
    const post = await corridor.post({ audience: ['class:year-2'], caption: 'Year 2 trip' });
    const edited = await corridor.api<{ post: PostView }>('PATCH', `/api/posts/${post.id}`, {
      caption: 'Year 2 trip (new time)',
      audience: 'school',
    });
    expect(edited.status).toBe(200);
    await corridor.local.idle();
    expect(familiesNotified(post.id).sort()).toEqual(ids(families.year2, families.both));
  });

  it('notifies nobody about a post retracted before it was published', async () => {
    const draft = await corridor.api<{ post: PostView }>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'school',
      caption: 'Not yet',
      draft: true,
    });
    await corridor.api('DELETE', `/api/posts/${draft.body.post.id}`);
    await corridor.local.idle();
    expect(familiesNotified(draft.body.post.id)).toEqual([]);
  });
});

/** A Corridor whose outbox crashes once, between claiming a family's record and sending it. */
async function crashingOnceAfterClaim() {
  let crashes = 0;
  const flaky = await startTestCorridor({
    holdNotifications: true,
    faults: (point) => {
      if (point === 'notify:after-claim' && crashes++ === 0) throw new Error('injected crash after claim');
    },
  });
  return { flaky, crashes: () => crashes };
}

describe('a sender that crashes between claim and send', () => {
  it('leaves the claim for the sweeper, which sends it once', async () => {
    const { flaky, crashes } = await crashingOnceAfterClaim();
    try {
      const family = await createFamily(flaky.local.deps, { schoolId: 'demo', classIds: ['reception'] });
      const post = await flaky.post({ audience: ['class:reception'], caption: 'Reception assembly' });
      expect(crashes()).toBe(1);
      // The retried fan-out saw the claim and left it alone: nothing was sent yet, and the post is live.
      expect(post.live).toBe(true);
      const held = () => flaky.local.notificationsQueue.held().filter((n) => (n as Notification).postId === post.id);
      expect(held()).toEqual([]);
      const report = await sweep(flaky.local.deps, { graceMs: 0 });
      expect(report.notificationsRedriven).toBe(1);
      expect(held()).toEqual([
        { kind: 'post_published', postId: post.id, schoolId: 'demo', familyId: family.id, key: `${post.id}:${family.id}` },
      ]);
      // Sweeping again finds nothing left to send.
      expect((await sweep(flaky.local.deps, { graceMs: 0 })).notificationsRedriven).toBe(0);
      expect(held()).toHaveLength(1);
    } finally {
      await flaky.stop();
    }
  });

  it('cancels the claim instead when the post was retracted before the sweeper came', async () => {
    const { flaky } = await crashingOnceAfterClaim();
    try {
      await createFamily(flaky.local.deps, { schoolId: 'demo', classIds: ['reception'] });
      const post = await flaky.post({ audience: ['class:reception'], caption: 'Changed our minds' });
      await flaky.api('DELETE', `/api/posts/${post.id}`);
      await flaky.local.idle();
      const report = await sweep(flaky.local.deps, { graceMs: 0 });
      expect(report.notificationsRedriven).toBe(1);
      expect(flaky.local.notificationsQueue.held().filter((n) => (n as Notification).postId === post.id)).toEqual([]);
    } finally {
      await flaky.stop();
    }
  });
});
