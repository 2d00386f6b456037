import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFamily } from '../../functions/core/families/family';
import { corpusPath } from '../helpers/corpus';
import type { TestCorridor } from '../helpers/corridor';
import {
  addPhoneToFamily,
  familyIdOf,
  type JoinLink,
  pageVapidKey,
  savePreferences,
  startParentsWorld,
  stopParentsWorld,
  subscribePush,
  testClock,
} from '../helpers/parents';
import type { PushService } from '../helpers/push-service';

/**
 * Acceptance 1 and the push half of 5: a push service on loopback receives each message and DECRYPTS it
 * with the subscription's private key (RFC 8291); the payload names the post and its URL, and the URL
 * opens the post. A push endpoint answering 410 loses its subscription.
 */

// A school-day morning, outside quiet hours (21:00–07:00 London).
const clock = testClock('2026-06-10T09:00:00Z');
let corridor: TestCorridor;
let push: PushService;
let links: Record<string, JoinLink>;
beforeAll(async () => {
  ({ corridor, push, links } = await startParentsWorld(clock.now));
});
afterAll(() => stopParentsWorld({ corridor, push }));

const received = (browserId: string) => push.received.filter((m) => m.browserId === browserId);

describe('web push, decrypted by the receiving browser', () => {
  it('names the post and links to it; the link opens it', async () => {
    const year1 = links['year-1'] as JoinLink;
    const vapidKey = await pageVapidKey(year1.url);
    const phone = push.browser();
    const { manageUrl } = await subscribePush(year1.url, phone);
    await savePreferences(manageUrl, { push: 'instant' });

    const post = await corridor.post({
      audience: 'class:year-1',
      caption: 'Sunflowers by Year 1\nPainted this afternoon.',
      files: [{ path: corpusPath('orient_landscape_1.jpg'), alt: 'Sunflower paintings' }],
    });
    expect(post.live).toBe(true);
    await corridor.local.idle();

    expect(push.problems).toEqual([]);
    const [message, ...more] = received(phone.id);
    expect(more).toEqual([]);
    expect(message?.payload).toMatchObject({ title: 'Year 1 · Demo Primary School', tag: `post-${post.id}` });
    expect(message?.payload.body).toContain('Sunflowers by Year 1');
    // A class post has no public page: the link is its place on the class's private page.
    const url = String(message?.payload.url);
    expect(url).toMatch(new RegExp(`^${corridor.url}/c/[A-Za-z0-9_-]+#post-${post.id}$`));
    const page = await fetch(url.replace(/#.*$/, ''));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`id="post-${post.id}"`);
    expect(String(message?.payload.image)).toMatch(/\.jpg$/);
    // Every message carries a fresh signed manage link of the family (the notification's "Settings" button).
    expect(familyIdOf(String(message?.payload.manageUrl))).toBe(familyIdOf(manageUrl));
    expect((await fetch(String(message?.payload.manageUrl))).status).toBe(200);
    // Signed with the key the join page gave the browser; Topic, Urgency and TTL set.
    expect(message?.vapidKey).toBe(vapidKey);
    expect(message?.audience).toBe(push.url);
    expect(message?.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(message?.urgency).toBe('normal');
    expect(message?.ttl).toBe(24 * 3600);
  });

  it('links a public post to its public page, and urgent posts go out at high urgency even at night', async () => {
    const reception = links.reception as JoinLink;
    const phone = push.browser();
    const { manageUrl } = await subscribePush(reception.url, phone);
    await savePreferences(manageUrl, { push: 'instant' });

    const open = await corridor.post({ audience: 'public', caption: 'Sports day is on Friday' });
    await corridor.local.idle();
    expect(received(phone.id).map((m) => m.payload.url)).toEqual([`${corridor.url}/p/${open.id}`]);

    clock.set('2026-06-10T22:30:00Z'); // 23:30 in London: quiet hours
    const quiet = await corridor.post({ audience: 'school', caption: 'Lost property: a blue coat' });
    const urgent = await corridor.post({ audience: 'school', caption: 'Snow: school is closed tomorrow', urgent: true });
    await corridor.local.idle();
    const night = received(phone.id).slice(1);
    expect(night.map((m) => m.payload.tag)).toEqual([`post-${urgent.id}`]);
    expect(night[0]?.urgency).toBe('high');
    expect(night[0]?.payload.title).toBe('Urgent: Demo Primary School');

    // The quiet post waits for 07:00 and then goes out, once, however often the scheduler runs.
    await corridor.local.runDigest();
    expect(received(phone.id)).toHaveLength(2);
    clock.set('2026-06-11T06:00:00Z'); // 07:00 in London
    await corridor.local.runDigest();
    await corridor.local.runDigest();
    expect(
      received(phone.id)
        .slice(2)
        .map((m) => m.payload.tag),
    ).toEqual([`post-${quiet.id}`]);
    clock.set('2026-06-11T09:00:00Z');
  });
});

describe('a push endpoint that is gone', () => {
  it('answering 410 removes that subscription, and only that one', async () => {
    const year2 = links['year-2'] as JoinLink;
    const kept = push.browser();
    const gone = push.browser();
    const first = await subscribePush(year2.url, kept);
    await addPhoneToFamily(first.manageUrl, gone, { service: push, phone: kept }); // a second phone of the same family, approved on the first
    await savePreferences(first.manageUrl, { push: 'instant' });
    const approvals = received(kept.id).length;
    const familyId = familyIdOf(first.manageUrl);
    expect(Object.keys((await getFamily(corridor.local.deps, familyId))?.push ?? {})).toHaveLength(2);

    push.answer(gone.id, 410);
    await corridor.post({ audience: 'class:year-2', caption: 'Year 2 library visit' });
    await corridor.local.idle();
    const devices = Object.values((await getFamily(corridor.local.deps, familyId))?.push ?? {});
    expect(devices.map((d) => d.endpoint)).toEqual([kept.subscription.endpoint]);
    expect(received(kept.id)).toHaveLength(approvals + 1);

    await corridor.post({ audience: 'class:year-2', caption: 'Year 2 swimming' });
    await corridor.local.idle();
    expect(received(kept.id)).toHaveLength(approvals + 2);
    expect(received(gone.id)).toHaveLength(0);
  });
});
