import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../functions/api/app';
import { capabilityToken } from '../../functions/core/channels/capabilities';
import { channel } from '../../functions/core/channels/channels';
import { POSTS_PER_CALLER, SIGN_IN_PER_ADDRESS } from '../../functions/core/limits/rate-limit';
import { SIGN_IN_LINK_SECONDS } from '../../functions/core/staff/magic-links';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { sentTo } from '../helpers/mailbox';
import { browserFromLink, latestSignInLink } from '../helpers/staff';

/** A clock the test moves: links and sessions expire by `deps.now`, never by waiting. */
let clock = new Date('2026-03-02T08:00:00Z');
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor({ now: () => clock });
});
afterAll(() => corridor?.stop());

const form = (token: string, origin: string | null = corridor.url) => ({
  method: 'POST',
  redirect: 'manual' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
  body: new URLSearchParams({ token }).toString(),
});

const latestLink = (address: string) => latestSignInLink(corridor, address);
const tokenOf = (link: string) => new URL(link, corridor.url).searchParams.get('token') ?? '';
const signIn = (link: string) => browserFromLink(corridor, 'someone', link);

const invite = (email: string, role: 'admin' | 'staff' = 'staff') =>
  corridor.api('POST', '/api/staff', { email, name: email.split('@')[0], role });

describe('staff sign-in by emailed link', () => {
  it('an invited teacher signs in with the emailed link: HttpOnly, SameSite=Lax cookie, role staff', async () => {
    expect((await invite('Ms.Khan@School.example')).status).toBe(201);
    const [email] = await sentTo(corridor, 'ms.khan@school.example');
    expect(email?.subject).toContain('invites you');
    const link = await latestLink('ms.khan@school.example');
    // Opening the link (as a mail scanner would) does not use it: the page asks for one tap.
    const page = await corridor.fetch(link);
    expect(await page.text()).toContain('You are signing in as <strong>ms.khan@school.example</strong>');
    expect((await corridor.fetch(link)).status).toBe(200);
    const answer = await corridor.fetch('/api/auth/magic', form(tokenOf(link)));
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/compose/');
    const setCookie = answer.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^corridor-session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).not.toContain('Secure'); // plain HTTP locally; see the HTTPS test below
    const session = await corridor.fetch('/api/auth/session', { headers: { cookie: setCookie.split(';')[0] ?? '' } });
    expect(await session.json()).toMatchObject({ schoolId: 'demo', role: 'staff', name: 'ms.khan@school.example' });
    const staff = await corridor.api<{ staff: { email: string; status: string }[] }>('GET', '/api/staff');
    expect(staff.body.staff.find((m) => m.email === 'ms.khan@school.example')?.status).toBe('active');
  });

  it('refuses a replayed link', async () => {
    await invite('replay@school.example');
    const link = await latestLink('replay@school.example');
    await signIn(link);
    const replay = await corridor.fetch('/api/auth/magic', form(tokenOf(link)));
    expect(replay.status).toBe(410);
    expect(replay.headers.get('set-cookie')).toBeNull();
    expect(await replay.text()).toContain('already been used');
    expect((await corridor.fetch(link)).status).toBe(410);
  });

  it('refuses an expired link (the clock moves, nobody waits)', async () => {
    await invite('late@school.example');
    await corridor.fetch('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'late@school.example' }),
    });
    const link = await latestLink('late@school.example');
    expect((await latestLink('late@school.example')) === link).toBe(true);
    advance(SIGN_IN_LINK_SECONDS + 1);
    const answer = await corridor.fetch('/api/auth/magic', form(tokenOf(link)));
    expect(answer.status).toBe(410);
    expect(await answer.text()).toContain('has expired');
    // A link used just inside its time works.
    await corridor.fetch('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'late@school.example' }),
    });
    const fresh = await latestLink('late@school.example');
    advance(SIGN_IN_LINK_SECONDS - 5);
    expect((await corridor.fetch('/api/auth/magic', form(tokenOf(fresh)))).status).toBe(303);
  });

  it('refuses a tampered link, and the page says so', async () => {
    await invite('tamper@school.example');
    const token = tokenOf(await latestLink('tamper@school.example'));
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [flipped, token.slice(1), `${token}x`, 'x'.repeat(5000), '']) {
      const answer = await corridor.fetch('/api/auth/magic', form(bad));
      expect(answer.status, bad.slice(0, 20)).toBe(410);
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
    expect(await (await corridor.fetch(`/api/auth/magic?token=${flipped}`)).text()).toContain('is not valid');
    // The genuine link still works: failed guesses did not spend it.
    expect((await corridor.fetch('/api/auth/magic', form(token))).status).toBe(303);
  });

  it('answers an unknown address exactly like a known one, and sends it nothing', async () => {
    const ask = (email: string) =>
      corridor.fetch('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
    const unknown = await ask('stranger@elsewhere.example');
    await invite('known@school.example');
    const known = await ask('known@school.example');
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(await unknown.json()).toEqual(await known.json());
    expect(await sentTo(corridor, 'stranger@elsewhere.example')).toEqual([]);
  });

  it('rate-limits sign-in links per address', async () => {
    await invite('flood@school.example');
    const ask = () =>
      corridor.fetch('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'FLOOD@school.example' }),
      });
    for (let i = 0; i < SIGN_IN_PER_ADDRESS.limit; i++) expect((await ask()).status).toBe(202);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // 1 invitation + the allowed sign-in emails, none for the refused request.
    expect(await sentTo(corridor, 'flood@school.example')).toHaveLength(1 + SIGN_IN_PER_ADDRESS.limit);
    advance(SIGN_IN_PER_ADDRESS.windowSeconds);
    expect((await ask()).status).toBe(202);
  });

  it('a removed member is signed out at their next request', async () => {
    await invite('leaver@school.example');
    const { cookie } = await signIn(await latestLink('leaver@school.example'));
    expect((await corridor.fetch('/api/posts', { headers: { cookie } })).status).toBe(200);
    expect((await corridor.api('DELETE', '/api/staff/leaver@school.example')).status).toBe(200);
    expect((await corridor.fetch('/api/posts', { headers: { cookie } })).status).toBe(401);
    // Invited again, they start afresh: the old cookie stays dead.
    await invite('leaver@school.example');
    expect((await corridor.fetch('/api/posts', { headers: { cookie } })).status).toBe(401);
  });

  it('signing out ends the session', async () => {
    await invite('bye@school.example');
    const { cookie, csrfToken } = await signIn(await latestLink('bye@school.example'));
    const out = await corridor.fetch('/api/auth/sign-out', {
      method: 'POST',
      headers: { cookie, origin: corridor.url, 'x-csrf-token': csrfToken },
    });
    expect(out.status).toBe(200);
    expect((await corridor.fetch('/api/posts', { headers: { cookie } })).status).toBe(401);
  });
});

describe('CSRF: cookie-authenticated writes only from our own pages', () => {
  let cookie: string;
  let csrfToken: string;
  beforeAll(async () => {
    await invite('writer@school.example');
    ({ cookie, csrfToken } = await signIn(await latestLink('writer@school.example')));
  });
  const create = (headers: Record<string, string>) =>
    corridor.fetch('/api/posts', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ idempotencyKey: crypto.randomUUID(), audience: 'public', caption: 'from the composer' }),
    });

  it('refuses a write from another origin, even with the token', async () => {
    const answer = await create({ origin: 'https://evil.example', 'x-csrf-token': csrfToken });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toContain('another site');
  });

  it('refuses a write without an Origin, or without the right token', async () => {
    expect((await create({ 'x-csrf-token': csrfToken })).status).toBe(403);
    expect((await create({ origin: corridor.url })).status).toBe(403);
    expect((await create({ origin: corridor.url, 'x-csrf-token': `${csrfToken}x` })).status).toBe(403);
    expect((await create({ origin: 'null', 'x-csrf-token': csrfToken })).status).toBe(403);
  });

  it('accepts the same write from our own page with its token; reads need neither', async () => {
    expect((await create({ origin: corridor.url, 'x-csrf-token': csrfToken })).status).toBe(201);
    expect((await corridor.fetch('/api/posts', { headers: { cookie } })).status).toBe(200);
  });

  it('refuses a sign-in form posted from another site (login CSRF)', async () => {
    await invite('victim@school.example');
    const token = tokenOf(await latestLink('victim@school.example'));
    expect((await corridor.fetch('/api/auth/magic', form(token, 'https://evil.example'))).status).toBe(403);
    expect((await corridor.fetch('/api/auth/magic', form(token, null))).status).toBe(403);
    // The refused attempt did not spend the link.
    expect((await corridor.fetch('/api/auth/magic', form(token))).status).toBe(303);
  });

  it('bearer tokens are not ambient credentials: no Origin or CSRF token needed', async () => {
    const answer = await corridor.api('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      caption: 'from the CLI',
    });
    expect(answer.status).toBe(201);
  });

  it('a parent’s private feed link is not a staff credential', async () => {
    const capability = await capabilityToken(corridor.local.deps, channel.families('demo').id);
    const answer = await corridor.fetch('/api/posts', { headers: { authorization: `Bearer ${capability}` } });
    expect(answer.status).toBe(401);
  });
});

describe('over HTTPS', () => {
  it('the session cookie is __Host- prefixed and Secure', async () => {
    const deps = corridor.local.deps;
    const https = createApi({ ...deps, config: { ...deps.config, publicUrl: 'https://corridor.example.org' } });
    await invite('secure@school.example');
    const token = tokenOf(await latestLink('secure@school.example'));
    const answer = await https.request('https://corridor.example.org/api/auth/magic', {
      ...form(token, 'https://corridor.example.org'),
    });
    expect(answer.status).toBe(303);
    const setCookie = answer.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^__Host-corridor-session=/);
    expect(setCookie).toContain('Secure');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Domain');
  });
});

describe('upload rate limit', () => {
  it('refuses posts with files beyond the limit per caller, not other callers', async () => {
    const withFile = () =>
      corridor.api<{ error?: { code: string } }>('POST', '/api/posts', {
        idempotencyKey: crypto.randomUUID(),
        audience: 'public',
        media: [{ contentType: 'image/jpeg', bytes: 1000 }],
      });
    let refused: Awaited<ReturnType<typeof withFile>> | undefined;
    for (let i = 0; i <= POSTS_PER_CALLER.limit && !refused; i++) {
      const answer = await withFile();
      if (answer.status === 429) refused = answer;
      else expect(answer.status).toBe(201);
    }
    expect(refused?.body.error?.code).toBe('rate_limited');
    // Another caller is not affected.
    await invite('other-uploader@school.example');
    const { cookie, csrfToken } = await signIn(await latestLink('other-uploader@school.example'));
    const other = await corridor.fetch('/api/posts', {
      method: 'POST',
      headers: { cookie, origin: corridor.url, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        idempotencyKey: crypto.randomUUID(),
        audience: 'public',
        media: [{ contentType: 'image/jpeg', bytes: 1000 }],
      }),
    });
    expect(other.status).toBe(201);
  });
});
