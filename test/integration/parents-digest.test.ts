import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createToken } from '../../functions/core/auth/tokens';
import { getFamily } from '../../functions/core/families/family';
import { putSchool } from '../../functions/core/schools/school';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { familyIdOf, header, type JoinLink, joinByEmail, joinLinks, sentEmails, submitForm, testClock } from '../helpers/parents';

/**
 * Acceptance 2: a family with children in two classes (and a third in another school), subscribed to the
 * email digest, receives ONE email listing both classes' posts of the day — read back from the SES
 * emulator — with a working RFC 8058 one-click unsubscribe.
 */

const clock = testClock('2026-06-10T08:00:00Z'); // Wednesday, 09:00 in London
const parent = `parent-${Date.now()}@example.org`;
let corridor: TestCorridor;
let links: Record<string, JoinLink>;
beforeAll(async () => {
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0 });
  links = await joinLinks(corridor);
});
afterAll(() => corridor?.stop());

const digests = async () => (await sentEmails(corridor, parent)).filter((m) => m.subject.startsWith('Today at school'));

it('one evening email for the whole family, listing each class’s posts of the day', async () => {
  // The first child: Year 1, by email (double opt-in). The second: Year 2, with the same address.
  const manageUrl = await joinByEmail(corridor, (links['year-1'] as JoinLink).url, parent);
  const again = await joinByEmail(corridor, (links['year-2'] as JoinLink).url, parent);
  expect(familyIdOf(again)).toBe(familyIdOf(manageUrl));
  // A third child at another school joins from the family's page, with that class's join link.
  await putSchool(corridor.local.deps, { id: 'hill', name: 'Hill Secondary', classes: [{ id: 'form-7b', name: 'Form 7B' }] });
  const { token: hillToken } = await createToken(corridor.local.deps, { schoolId: 'hill', role: 'admin', label: 'hill admin' });
  const hill = await corridor.api<{ joinLinks: JoinLink[] }>('GET', '/api/schools/me/join-links', undefined, hillToken);
  expect((await submitForm(`${manageUrl}/classes`, { link: String(hill.body.joinLinks[0]?.url) })).status).toBe(303);
  const family = await getFamily(corridor.local.deps, familyIdOf(manageUrl));
  expect(family?.classes).toEqual({ demo: ['year-1', 'year-2'], hill: ['form-7b'] });
  expect(family?.preferences).toMatchObject({ email: 'digest', digestTime: '18:00', timezone: 'Europe/London' });

  const year1 = await corridor.post({
    audience: 'class:year-1',
    caption: 'Year 1 painted sunflowers',
    files: [{ path: corpusPath('orient_landscape_1.jpg'), alt: 'Sunflower paintings' }],
  });
  const year2 = await corridor.post({ audience: 'class:year-2', caption: 'Year 2 built a bug hotel' });
  const reception = await corridor.post({ audience: 'class:reception', caption: 'Reception sang a song' });
  const form7b = await corridor.api<{ post: { id: string } }>(
    'POST',
    '/api/posts',
    { idempotencyKey: crypto.randomUUID(), audience: 'class:form-7b', caption: 'Form 7B science fair' },
    hillToken,
  );
  await corridor.local.idle();
  expect(await digests()).toEqual([]); // nothing before the digest time

  clock.set('2026-06-10T16:59:00Z'); // 17:59 in London
  await corridor.local.runDigest();
  expect(await digests()).toEqual([]);

  clock.set('2026-06-10T17:00:00Z'); // 18:00 in London
  // The scheduler may fire twice (a retry, an overlap): still one email.
  await Promise.all([corridor.local.runDigest(), corridor.local.runDigest()]);
  await corridor.local.runDigest();
  const [digest, ...more] = await digests();
  expect(more).toEqual([]);
  expect(digest?.subject).toBe('Today at school, Wednesday 10 June: 3 new posts');
  for (const part of [digest?.body.html ?? '', digest?.body.text ?? '']) {
    expect(part).toContain('Year 1 painted sunflowers');
    expect(part).toContain('Year 2 built a bug hotel');
    expect(part).toContain('Year 1 · Demo Primary School');
    expect(part).toContain('Year 2 · Demo Primary School');
    expect(part).toContain('Form 7B science fair');
    expect(part).toContain('Form 7B · Hill Secondary');
    expect(part).toContain(`#post-${form7b.body.post.id}`);
    expect(part).not.toContain('Reception sang a song');
    expect(part).toContain(`#post-${year1.id}`);
    expect(part).toContain(`#post-${year2.id}`);
  }
  expect(reception.live).toBe(true);
  // The photo comes from the feed's variants (a JPEG every mail client shows), and it is there.
  const image = /<img src="([^"]+)" alt="Sunflower paintings"/.exec(digest?.body.html ?? '')?.[1];
  expect(image).toMatch(/\/media\/.+\.jpg$/);
  expect((await fetch(String(image))).headers.get('content-type')).toBe('image/jpeg');
  expect(header(digest!, 'Message-ID')).toMatch(/^<[A-Za-z0-9_-]{32}@corridor\.localhost>$/);
  expect(header(digest!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  const unsubscribe = /^<(https?:\/\/[^>]+)>$/.exec(header(digest!, 'List-Unsubscribe') ?? '')?.[1];
  expect(unsubscribe).toContain('/family/unsubscribe/');
  expect(digest?.body.text).toContain(unsubscribe);

  // RFC 8058 one-click: the mail provider POSTs this body, with no cookie and no page visit.
  const oneClick = await fetch(String(unsubscribe), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
    redirect: 'manual',
  });
  expect(oneClick.status).toBe(200);
  expect((await getFamily(corridor.local.deps, familyIdOf(manageUrl)))?.emails).toEqual({});
  // Deleted, not flagged: the address is nowhere in the table any more.
  const { Items = [] } = await corridor.local.deps.clients.dynamo.send(
    new ScanCommand({ TableName: corridor.local.deps.config.tableName }),
  );
  expect(JSON.stringify(Items)).not.toContain(parent);

  // The next day's posts reach nobody at that address.
  clock.set('2026-06-11T08:00:00Z');
  await corridor.post({ audience: 'class:year-1', caption: 'Year 1 went to the park' });
  clock.set('2026-06-11T17:00:00Z');
  await corridor.local.runDigest();
  expect(await digests()).toHaveLength(1);
});
