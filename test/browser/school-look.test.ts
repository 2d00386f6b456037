import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../functions/core/auth/tokens';
import { axeViolations, launchChromium, PHONE, phoneLayoutProblems, screenshot, startHostSite } from '../helpers/browser';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { joinByEmail, joinLinks, savePreferences, sentEmails, testClock } from '../helpers/parents';

/**
 * Issue 18, a school's look, from the head's phone: the composer's admin "Look" screen at 390 px in
 * Chromium — logo picked through the real file chooser, colour picker with the contrast verdict in words,
 * welcome line — then the school page and the widget on another origin wearing it. axe (every WCAG A/AA
 * rule, any impact) on the screen; screenshots in test/.artifacts/screenshots/look-*.png.
 */
let corridor: TestCorridor;
let browser: Browser;
let page: Page;
let adminToken: string;
const PARENT = 'parent@families.example';
const clock = testClock('2026-06-10T09:00:00Z'); // 10:00 in London: an instant e-mail is not held for quiet hours

beforeAll(async () => {
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0 });
  const manageUrl = await joinByEmail(corridor, (await joinLinks(corridor))['year-1']?.url ?? '', PARENT);
  await savePreferences(manageUrl, { email: 'instant' });
  ({ token: adminToken } = await createToken(corridor.local.deps, { schoolId: 'demo', role: 'admin', label: 'Mrs Patel' }));
  await corridor.post({
    audience: 'public',
    caption: 'Harvest festival',
    files: [{ path: corpusPath('orient_landscape_1.jpg'), contentType: 'image/jpeg', alt: 'A table of vegetables' }],
  });
  browser = await launchChromium();
  page = await (await browser.newContext(PHONE)).newPage();
  await page.goto(`${corridor.url}/compose/`);
  await page.getByLabel('Staff token').fill(adminToken);
  await page.getByRole('button', { name: 'Sign in' }).tap();
  await page.getByLabel('Caption').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await corridor?.stop();
});

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000 });

describe('the Look screen on a phone', () => {
  it('is in the admin menu and opens at 390 px with no axe violations and nothing too small to tap', async () => {
    await page.goto(`${corridor.url}/compose/#admin`);
    await page.getByRole('link', { name: /^Look/ }).tap();
    await page.getByRole('heading', { level: 1, name: 'Look' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const layout = await phoneLayoutProblems(page);
    expect(layout.horizontalOverflow).toBeLessThanOrEqual(0);
    expect(layout.smallTargets).toEqual([]);
  });

  it('says in words when a colour is too light, and will not save it', async () => {
    await page.getByLabel('Accent colour (header, links, buttons)').fill('#ffcc00');
    const verdict = page.locator('#accent-verdict');
    await poll(() => verdict.textContent()).toContain('#ffcc00 is too light to read: its contrast with white is 1.5:1');
    expect(await page.getByRole('button', { name: 'Save the colour' }).isDisabled()).toBe(true);
    await screenshot(page, 'look-refused-colour');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('saves a readable colour, a logo picked from the phone and a welcome line', async () => {
    await page.getByLabel('Accent colour (header, links, buttons)').fill('#7a1f5c');
    await poll(() => page.locator('#accent-verdict').textContent()).toContain('#7a1f5c reads well: contrast 9.6:1');
    await page.getByRole('button', { name: 'Save the colour' }).tap();
    await poll(() => page.getByRole('status').filter({ hasText: 'Saved' }).first().textContent()).toContain(
      '#7a1f5c is your colour',
    );

    const chooser = page.waitForEvent('filechooser');
    await page.getByText('Choose the logo from this phone').tap();
    await (await chooser).setFiles(corpusPath('photo_android_pixel_gps.jpg'));
    await poll(() => page.locator('.status-line').textContent()).toContain('Saved: the logo is on your pages');
    await poll(() =>
      page.locator('.look-logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
    ).toBeGreaterThan(0);

    await page.getByLabel('Under your school’s name on its page').fill('Welcome to Demo Primary — learning together.');
    await page.getByRole('button', { name: 'Save the welcome line' }).tap();
    await poll(() => page.locator('.status-line').textContent()).toContain('the welcome line is on your school page');
    expect(await page.locator('.look-band').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(122, 31, 92)');
    await screenshot(page, 'look-screen');
    expect(await axeViolations(page)).toEqual([]);
    expect((await phoneLayoutProblems(page)).smallTargets).toEqual([]);
  });

  it('shows the school page in the school’s look at 390 px, accessible', async () => {
    await page.goto(`${corridor.url}/s/demo`);
    const band = page.locator('.brand');
    expect(await band.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(122, 31, 92)');
    expect(await band.textContent()).toContain('Welcome to Demo Primary — learning together.');
    expect(await page.locator('.brand img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(
      await page
        .locator('article h2 a')
        .first()
        .evaluate((a) => getComputedStyle(a).color),
    ).toBe('rgb(122, 31, 92)');
    const favicon = await page.locator('link[rel=icon]').getAttribute('href');
    expect((await fetch(favicon ?? '')).headers.get('content-type')).toBe('image/png');
    await screenshot(page, 'look-school-page');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('gives the widget on another origin the school’s accent, unless the host sets its own', async () => {
    const script = `<script src="${corridor.url}/embed.js" data-school="demo" async></script>`;
    const origin = new URL(corridor.url).origin;
    const page_ = (head: string) =>
      `<!doctype html><html lang="en"><head><title>School site</title>${head}</head><body><main>${script}</main></body></html>`;
    const host = await startHostSite({
      // A strict CSP: the accent arrives through the CSSOM, which it allows.
      '/': {
        body: page_(''),
        contentType: 'text/html',
        headers: {
          'content-security-policy': `default-src 'none'; script-src ${origin}; connect-src ${origin}; img-src ${origin}; media-src ${origin}`,
        },
      },
      '/themed': { body: page_('<style>corridor-feed{--corridor-accent:#004400}</style>'), contentType: 'text/html' },
    });
    try {
      const linkColour = async (path: string) => {
        await page.goto(`${host.url}${path}`);
        const link = page.locator('corridor-feed').locator('.more a');
        await link.waitFor();
        return link.evaluate((a) => getComputedStyle(a).color);
      };
      expect(await linkColour('/')).toBe('rgb(122, 31, 92)');
      expect(await linkColour('/themed')).toBe('rgb(0, 68, 0)');
    } finally {
      await host.stop();
    }
  });

  it('sends parents an e-mail signed by the school, its header in the accent, readable at 390 px', async () => {
    await corridor.post({
      audience: 'class:year-1',
      caption: 'Year 1 planted beans today',
      files: [{ path: corpusPath('orient_portrait_1.jpg'), contentType: 'image/jpeg', alt: 'Children with bean pots' }],
    });
    const mail = (await sentEmails(corridor, PARENT)).find((m) => m.subject.includes('planted beans'));
    expect(mail?.from).toBe('"Demo Primary School" <no-reply@corridor.localhost>');
    await page.setContent(mail?.body.html ?? '', { waitUntil: 'load' });
    const header = page.getByText('Demo Primary School', { exact: true });
    expect(await header.evaluate((el) => getComputedStyle(el.parentElement as Element).backgroundColor)).toBe('rgb(122, 31, 92)');
    await screenshot(page, 'look-email');
    expect(await axeViolations(page)).toEqual([]);
  });
});
