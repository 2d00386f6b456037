import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { type JoinLink, joinLinks, sentEmails, testClock } from '../helpers/parents';

/**
 * Parents' pages in real Chromium on a 390 px phone screen: accessible (axe-core finds nothing), no
 * sideways scrolling, and the email path complete with JavaScript turned off — join, confirm, choose.
 * With JavaScript the join page offers notifications on this phone and its service worker registers.
 */

const clock = testClock('2026-06-10T09:00:00Z');
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
let corridor: TestCorridor;
let browser: Browser;
let links: Record<string, JoinLink>;
let axeSource: string;
beforeAll(async () => {
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0 });
  links = await joinLinks(corridor);
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await corridor?.stop();
});

/** axe-core's violations (WCAG 2.x A/AA rules) on the page as it stands. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  // Through the DevTools protocol: the page's CSP (rightly) refuses inline scripts.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    type Rule = { id: string; nodes: unknown[] };
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: Rule[]; passes: Rule[] }> } }).axe;
    return axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  // Labels, contrast, headings, language...: the rules that apply here did run, and passed.
  expect(result.passes.map((r) => r.id)).toEqual(
    expect.arrayContaining(['label', 'color-contrast', 'html-has-lang', 'button-name']),
  );
  return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
}

const fitsTheScreen = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('on a phone', () => {
  it('the join page and the family page are accessible and fit 390 px', async () => {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto((links['year-1'] as JoinLink).url);
    expect(await page.title()).toBe('Join Year 1 at Demo Primary School');
    expect(await fitsTheScreen(page)).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    // With JavaScript: the button for notifications on this phone, and its service worker registers.
    await expect(page.getByRole('button', { name: 'Turn on notifications' }).isVisible()).resolves.toBe(true);
    const scope = await page.evaluate(
      async () => (await navigator.serviceWorker.register('/family/sw.js', { scope: '/family/' })).scope,
    );
    expect(scope).toBe(`${corridor.url}/family/`);
    await context.close();
  });

  it('joins by email, confirms and chooses "every post" with JavaScript turned off', async () => {
    const address = `nojs-${Date.now()}@example.org`;
    const context = await browser.newContext({ ...phone, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto((links['year-2'] as JoinLink).url);
    await expect(page.getByRole('button', { name: 'Turn on notifications' }).isVisible()).resolves.toBe(false);
    await page.getByLabel('Your email address').fill(address);
    await page.getByRole('button', { name: 'Send me a confirmation link' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain(`We sent a confirmation link to ${address}`);

    const mail = (await sentEmails(corridor, address)).find(
      (m) => m.subject === 'Confirm your email for Year 2 at Demo Primary School',
    );
    const link = /(http\S+\/family\/confirm\/\S+)/.exec(mail?.body.text ?? '')?.[1];
    await page.goto(String(link));
    await page.getByRole('button', { name: 'Yes, confirm' }).click();
    // The first status is the notice; the second is where the push button reports (empty without script).
    await expect(page.getByRole('status').first().textContent()).resolves.toBe('Your email address is confirmed.');
    expect(await page.title()).toBe('Your messages from school');
    expect(await fitsTheScreen(page)).toBe(true);

    await page.getByRole('group', { name: 'Email' }).getByLabel('Every post as it happens').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toBe('Saved.');
    await expect(page.getByRole('group', { name: 'Email' }).getByLabel('Every post as it happens').isChecked()).resolves.toBe(
      true,
    );
    await context.close();

    // The family page passes axe too (checked with scripts on, as axe needs them).
    const checking = await browser.newContext(phone);
    const manage = await checking.newPage();
    await manage.goto(page.url());
    expect(await accessibilityViolations(manage)).toEqual([]);
    await checking.close();
  });
});
