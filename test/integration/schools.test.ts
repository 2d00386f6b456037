import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../functions/core/auth/tokens';
import { getSecrets } from '../../functions/core/messaging/secrets';
import { joinPath } from '../../functions/core/schools/join-link';
import { getSchool } from '../../functions/core/schools/school';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { linksIn, sentTo } from '../helpers/mailbox';

/**
 * Schools and trusts through the HTTP API, as an operator and then as the new school's admin: creating a
 * school invites its head by email; the school opts its public posts into its trust's wall and out again
 * (the wall is re-rendered without them); classes are added, renamed and archived.
 */
let corridor: TestCorridor;
let operator: string;
let head: string;
beforeAll(async () => {
  corridor = await startTestCorridor();
  ({ token: operator } = await createToken(corridor.local.deps, { role: 'operator', label: 'Trust IT' }));
});
afterAll(() => corridor?.stop());

type ErrorAnswer = { error: { code: string; message: string } };
const wallFeed = async () => (await corridor.fetch('/w/north/feed.json')).text();

describe('schools and trusts', () => {
  it('an operator creates a trust and a school; its head is invited by email', async () => {
    const trust = await corridor.api<{ wallUrl: string }>(
      'POST',
      '/api/trusts',
      { id: 'north', name: 'North Schools Trust' },
      operator,
    );
    expect(trust.status).toBe(201);
    expect((await corridor.fetch('/w/north')).status).toBe(200);

    const created = await corridor.api<{ school: { id: string; classes: { id: string; name: string }[]; trustId: string } }>(
      'POST',
      '/api/schools',
      {
        id: 'st-marys',
        name: 'St Mary’s Primary',
        timezone: 'Europe/London',
        classes: ['Reception', 'Year 1', { name: 'Year 2' }],
        adminEmail: 'Head@StMarys.example',
        adminName: 'Ms Okafor',
        trustId: 'north',
      },
      operator,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.school.classes.map((k) => k.id)).toEqual(['reception', 'year-1', 'year-2']);
    expect(created.body.school.trustId).toBe('north');
    expect((await corridor.fetch('/s/st-marys')).status).toBe(200);
    const [invitation] = await sentTo(corridor, 'head@stmarys.example');
    if (!invitation) throw new Error('the head was sent no invitation');
    expect(invitation.subject).toContain('St Mary’s Primary');
    expect(linksIn(invitation, '/api/auth/magic')).toHaveLength(1);
    const shown = await corridor.api<{ admins: { email: string; status: string }[] }>(
      'GET',
      '/api/schools/st-marys',
      undefined,
      operator,
    );
    expect(shown.body.admins).toEqual([{ email: 'head@stmarys.example', name: 'Ms Okafor', status: 'invited' }]);
    const listed = await corridor.api<{ schools: { id: string }[] }>('GET', '/api/schools', undefined, operator);
    expect(listed.body.schools.map((s) => s.id)).toEqual(['demo', 'st-marys']);
    ({ token: head } = await createToken(corridor.local.deps, { schoolId: 'st-marys', role: 'admin', label: 'head' }));
  });

  it('refuses, in words, a taken id, an unknown trust, a bad time zone and duplicate classes', async () => {
    const attempt = (body: Record<string, unknown>) =>
      corridor.api<ErrorAnswer>(
        'POST',
        '/api/schools',
        { id: 'x-school', name: 'X', adminEmail: 'h@x.example', ...body },
        operator,
      );
    const taken = await attempt({ id: 'st-marys' });
    expect([taken.status, taken.body.error.message]).toEqual([409, 'There is already a school "st-marys". Choose another id.']);
    const trust = await attempt({ trustId: 'nowhere' });
    expect([trust.status, trust.body.error.message]).toEqual([
      422,
      'There is no trust "nowhere". Create it first (corridor trust create).',
    ]);
    const zone = await attempt({ timezone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(zone.body.error.message).toContain('not a time zone');
    const twice = await attempt({ classes: ['Owls', 'owls'] });
    expect([twice.status, twice.body.error.message]).toEqual([422, 'The class "owls" is listed twice.']);
    expect(await getSchool(corridor.local.deps, 'x-school')).toBeUndefined();
  });

  it('a school’s admin opts its public posts into the trust’s wall, and out again', async () => {
    const post = await corridor.post({ audience: 'public', caption: 'Sports day at St Mary’s', token: head });
    expect(post.state).toBe('published');
    expect(await wallFeed()).not.toContain(post.id);

    const optIn = await corridor.api<{ settings: { wallOptIn: boolean } }>('PATCH', '/api/settings', { wallOptIn: true }, head);
    expect(optIn.body.settings.wallOptIn).toBe(true);
    await corridor.local.idle();
    expect(await wallFeed()).toContain(post.id);
    const later = await corridor.post({ audience: 'public', caption: 'Harvest festival', token: head });
    expect(await wallFeed()).toContain(later.id);

    await corridor.api('PATCH', '/api/settings', { wallOptIn: false }, head);
    await corridor.local.idle();
    const wall = await wallFeed();
    expect(wall).not.toContain(post.id);
    expect(wall).not.toContain(later.id);
    // Its own feed is untouched.
    expect(await (await corridor.fetch('/s/st-marys/feed.json')).text()).toContain(post.id);

    // The demo school belongs to no trust: there is no wall to join.
    const refused = await corridor.api<ErrorAnswer>('PATCH', '/api/settings', { wallOptIn: true });
    expect([refused.status, refused.body.error.message]).toEqual([
      422,
      'Your school belongs to no trust, so there is no wall to join. Ask your Corridor operator.',
    ]);
  });

  it('an operator taking a school out of its trust takes its posts off the wall', async () => {
    await corridor.api('PATCH', '/api/settings', { wallOptIn: true }, head);
    await corridor.local.idle();
    expect(await wallFeed()).toContain('Sports day');
    const moved = await corridor.api<{ school: { trustId: string | null; wallOptIn: boolean } }>(
      'PATCH',
      '/api/schools/st-marys',
      { trustId: null },
      operator,
    );
    expect(moved.body.school).toMatchObject({ trustId: null, wallOptIn: false });
    await corridor.local.idle();
    expect(await wallFeed()).not.toContain('Sports day');
  });

  it('classes are added, renamed and archived; an archived class takes no posts or families', async () => {
    const added = await corridor.api<{ class: { id: string; name: string; archived: boolean } }>(
      'POST',
      '/api/schools/me/classes',
      { name: 'Year 3' },
      head,
    );
    expect([added.status, added.body.class]).toEqual([201, { id: 'year-3', name: 'Year 3', archived: false }]);
    const again = await corridor.api<ErrorAnswer>('POST', '/api/schools/me/classes', { name: 'year 3' }, head);
    expect([again.status, again.body.error.message]).toEqual([422, 'There is already a class called "Year 3".']);
    const renamed = await corridor.api<{ class: { name: string } }>(
      'PATCH',
      '/api/schools/me/classes/year-3',
      { name: 'Oak Class' },
      head,
    );
    expect(renamed.body.class.name).toBe('Oak Class');

    const { linkKey } = await getSecrets(corridor.local.deps);
    const oak = (await getSchool(corridor.local.deps, 'st-marys'))?.classes.find((k) => k.id === 'year-3');
    if (!oak) throw new Error('the new class is not in the school');
    const link = joinPath(linkKey, 'st-marys', oak);
    expect((await corridor.fetch(link)).status).toBe(200);
    const archived = await corridor.api<{ class: { archived: boolean } }>(
      'PATCH',
      '/api/schools/me/classes/year-3',
      { archived: true },
      head,
    );
    expect(archived.body.class.archived).toBe(true);

    const joinPage = await corridor.fetch(link);
    expect(joinPage.status).toBe(410);
    // The names are isolated (<bdi>) so they keep their order inside a right-to-left sentence.
    expect((await joinPage.text()).replace(/<\/?bdi>/g, '')).toContain(
      'Oak Class at St Mary’s Primary is closed and takes no new families.',
    );
    const post = await corridor.api<ErrorAnswer>(
      'POST',
      '/api/posts',
      { idempotencyKey: crypto.randomUUID(), audience: 'class:year-3', caption: 'Into the archive' },
      head,
    );
    expect([post.status, post.body.error.message]).toEqual([
      422,
      'Oak Class is archived: it takes no new posts or families. An admin can open it again.',
    ]);
    const me = await corridor.api<{ classes: { id: string; archived: boolean }[] }>('GET', '/api/schools/me', undefined, head);
    expect(me.body.classes.find((k) => k.id === 'year-3')?.archived).toBe(true);

    await corridor.api('PATCH', '/api/schools/me/classes/year-3', { archived: false }, head);
    expect((await corridor.fetch(link)).status).toBe(200);
    const missing = await corridor.api<ErrorAnswer>('PATCH', '/api/schools/me/classes/year-9', { name: 'X' }, head);
    expect(missing.status).toBe(404);
  });
});
