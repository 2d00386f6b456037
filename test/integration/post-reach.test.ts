import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFamily } from '../../functions/core/families/family';
import type { PostReach } from '../../functions/core/notify/reach';
import type { TestCorridor } from '../helpers/corridor';
import {
  familyIdOf,
  type JoinLink,
  joinByEmail,
  savePreferences,
  startParentsWorld,
  stopParentsWorld,
  subscribePush,
  testClock,
} from '../helpers/parents';
import type { PushService } from '../helpers/push-service';

/**
 * `GET /api/posts/:id/reach`: how many families a published post reached and how, counted from what
 * delivery recorded (the post's outbox, each family's ledger, the family records) — through the real
 * join pages, push service and SES emulator. Counts only: the answer names no family and no address.
 */

// A school-day morning in London, outside the default quiet hours (21:00–07:00).
const clock = testClock('2026-06-10T09:00:00Z');
let corridor: TestCorridor;
let push: PushService;
let links: Record<string, JoinLink>;
beforeAll(async () => {
  ({ corridor, push, links } = await startParentsWorld(clock.now));
});
afterAll(() => stopParentsWorld({ corridor, push }));

const reachOf = async (postId: string, token?: string) =>
  corridor.api<{ reach: PostReach }>('GET', `/api/posts/${postId}/reach`, undefined, token);

describe('the reach of a post', () => {
  it('counts each way a family hears, and those with no way or who switched everything off', async () => {
    const year1 = (links['year-1'] as JoinLink).url;
    // A phone, instant.
    const { manageUrl: phoneFamily } = await subscribePush(year1, push.browser());
    await savePreferences(phoneFamily, { push: 'instant' });
    // Email at once.
    const instantMail = await joinByEmail(corridor, year1, 'instant@home.example');
    await savePreferences(instantMail, { email: 'instant' });
    // Email in the evening digest (the default), twice.
    await joinByEmail(corridor, year1, 'evening@home.example');
    await joinByEmail(corridor, year1, 'evening2@home.example');
    // Switched everything off.
    const silent = await joinByEmail(corridor, year1, 'silent@home.example');
    await savePreferences(silent, { email: 'off', push: 'off' });
    // No phone and no address (the address was never confirmed): nothing can reach it.
    await createFamily(corridor.local.deps, { schoolId: 'demo', classIds: ['year-1'] });
    // Another class's family: not meant for a Year 1 post.
    await createFamily(corridor.local.deps, { schoolId: 'demo', classIds: ['year-2'] });

    const post = await corridor.post({ audience: 'class:year-1', caption: 'Year 1 sports day' });
    await corridor.local.idle();

    const { status, body } = await reachOf(post.id);
    expect(status).toBe(200);
    expect(body.reach).toEqual({
      families: 6,
      push: 1,
      emailNow: 1,
      afterQuietHours: 0,
      digest: 2,
      noWay: 1,
      turnedOff: 1,
      onTheWay: 0,
    });
    // Counts only: nothing in the answer identifies a family.
    const text = JSON.stringify(body);
    expect(text).not.toContain('@home.example');
    expect(text).not.toContain(familyIdOf(phoneFamily));
  });

  it('holds instant messages through quiet hours and counts them as such', async () => {
    clock.set('2026-06-10T22:30:00Z'); // 23:30 in London
    const post = await corridor.post({ audience: 'class:year-1', caption: 'Late news' });
    await corridor.local.idle();
    const { body } = await reachOf(post.id);
    // The phone and the instant email wait for 07:00; the digests still collect; the others as before.
    expect(body.reach).toMatchObject({ families: 6, push: 0, emailNow: 0, afterQuietHours: 2, digest: 2, noWay: 1 });
    clock.set('2026-06-10T09:00:00Z');
  });

  it('is nothing for a post not yet published, and 404 for a post the school does not have', async () => {
    const draft = await corridor.api<{ post: { id: string } }>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      caption: 'Draft',
      draft: true,
    });
    expect((await reachOf(draft.body.post.id)).body.reach.families).toBe(0);
    expect((await reachOf('no-such-post')).status).toBe(404);
  });
});
