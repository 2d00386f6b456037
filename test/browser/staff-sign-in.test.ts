import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { latestSignInLink } from '../helpers/staff';

/** The sign-in flow and CSRF defences in real Chromium: what browsers actually send decides them. */
let corridor: TestCorridor;
let browser: Browser;
beforeAll(async () => {
  corridor = await startTestCorridor();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await corridor?.stop();
});

const postCaptions = async () =>
  (await corridor.api<{ posts: { caption: string }[] }>('GET', '/api/posts')).body.posts.map((p) => p.caption);

describe('staff sign-in in a real browser', () => {
  it('the emailed link signs in with one tap; the page can then write with its CSRF token, another site cannot', async () => {
    await corridor.api('POST', '/api/staff', { email: 'browser@school.example', name: 'Browser', role: 'staff' });
    const link = await latestSignInLink(corridor, 'browser@school.example');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${corridor.url}${link}`);
    expect(await page.textContent('h1')).toBe('Sign in to Demo Primary School');
    await Promise.all([page.waitForURL(`${corridor.url}/compose/`), page.click('button[type=submit]')]);
    const cookies = await context.cookies(corridor.url);
    expect(cookies.find((c) => c.name === 'corridor-session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    // Our own page: reads its CSRF token, then writes with it (Chromium sets the real Origin).
    const results = await page.evaluate(async () => {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string; role: string };
      const create = (headers: Record<string, string>, caption: string) =>
        fetch('/api/posts', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ idempotencyKey: crypto.randomUUID(), audience: 'public', caption }),
        }).then((r) => r.status);
      return {
        role: session.role,
        scriptSeesCookie: document.cookie.includes('corridor-session'),
        withToken: await create({ 'x-csrf-token': session.csrfToken }, 'from our page'),
        withoutToken: await create({}, 'from our page without token'),
      };
    });
    expect(results).toEqual({ role: 'staff', scriptSeesCookie: false, withToken: 201, withoutToken: 403 });

    // Another site, in the same browser (so it holds the session cookie): a form and a fetch, both refused.
    await page.route('http://evil.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><form id="f" method="post" action="${corridor.url}/api/posts" enctype="text/plain">
          <input name='{"idempotencyKey":"evilevilevil1","audience":"public","caption":"from evil form","x":"' value='"}'></form>`,
      }),
    );
    await page.goto('http://evil.test/');
    await page.evaluate(async (api) => {
      await fetch(`${api}/api/posts`, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ idempotencyKey: 'evilevilevil2', audience: 'public', caption: 'from evil fetch' }),
      }).catch(() => undefined);
    }, corridor.url);
    await Promise.all([
      page.waitForURL(`${corridor.url}/api/posts`),
      page.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit()),
    ]);
    expect(await page.textContent('body')).toMatch(/"code":"(unauthorized|forbidden)"/);
    const captions = await postCaptions();
    expect(captions).toContain('from our page');
    expect(captions).not.toContain('from our page without token');
    expect(captions).not.toContain('from evil form');
    expect(captions).not.toContain('from evil fetch');
    await context.close();
  });

  it('the composer asks for a link by email, the link brings the teacher back signed in, and she posts', async () => {
    await corridor.api('POST', '/api/staff', { email: 'composer@school.example', name: 'Mr Hale', role: 'staff' });
    const invited = await latestSignInLink(corridor, 'composer@school.example');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${corridor.url}/compose/`);
    await page.getByLabel('School email').fill('composer@school.example');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).tap();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/sign-in link is on its way/);
    const link = await latestSignInLink(corridor, 'composer@school.example');
    expect(link).not.toBe(invited);

    await page.goto(`${corridor.url}${link}`);
    await Promise.all([page.waitForURL(`${corridor.url}/compose/`), page.click('button[type=submit]')]);
    await page.getByLabel('Caption').fill('Signed in by link');
    await page.locator('label.chip', { hasText: 'Public' }).first().tap();
    await page.getByRole('button', { name: /^Post/ }).tap();
    await expect.poll(postCaptions, { timeout: 15_000 }).toContain('Signed in by link');
    // The session, not a pasted token, carried it: nothing was stored for the API but the CSRF token.
    expect(await page.evaluate(() => localStorage.getItem('corridor.staffToken'))).toBeNull();

    await page.getByRole('link', { name: 'My posts' }).tap();
    await page.getByRole('button', { name: 'Sign out' }).tap();
    await page.getByLabel('School email').waitFor();
    expect((await context.cookies(corridor.url)).find((c) => c.name === 'corridor-session')).toBeUndefined();
    await context.close();
  });
});
