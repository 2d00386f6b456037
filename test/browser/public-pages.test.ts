import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import {
  axeViolations,
  DESKTOP,
  launchChromium,
  PHONE,
  phoneLayoutProblems,
  screenshot,
  startHostSite,
} from '../helpers/browser';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * The public pages in real Chromium: a gallery thumbnail opens its photo large with JavaScript off, the
 * private class page shows its notice, the pages follow the browser's language and the switcher (plain
 * links) changes it and is remembered; axe finds no violations at all at 390 and 1280 px, in English,
 * Polish and Urdu, with `lang`/`dir` right on each document and on the English captions inside the Urdu
 * page. Screenshots land in test/.artifacts/screenshots/ (public-*.png).
 */
let corridor: TestCorridor;
let browser: Browser;
let gallery: PostView;
let classPageUrl: string;

beforeAll(async () => {
  corridor = await startTestCorridor();
  gallery = await corridor.post({
    audience: 'public',
    caption: 'Natural History Museum\nYear 2 found out what dinosaurs ate and why some had feathers. #trips',
    files: [
      { path: corpusPath('orient_landscape_6.jpg'), alt: 'A dinosaur skeleton in a great hall' },
      { path: corpusPath('orient_portrait_8.jpg'), alt: 'Children sketching fossils' },
      { path: corpusPath('orient_landscape_1.jpg'), alt: 'Sunflower paintings in the classroom' },
    ],
  });
  const audio = await corridor.post({
    audience: 'public',
    caption: 'Listen to Reception’s counting song',
    files: [{ path: corpusPath('audio_iphone_voice_memo.m4a'), contentType: 'audio/mp4', alt: 'The counting song' }],
  });
  await corridor.post({ audience: 'class:year-1', caption: 'Year 1 families: trip on Friday, bring a packed lunch' });
  for (const post of [gallery, audio]) expect(post.state).toBe('published');
  const { body } = await corridor.api<{ channels: { id: string; pageUrl: string }[] }>('GET', '/api/schools/me/channels');
  classPageUrl = body.channels.find((c) => c.id === 'class:demo:year-1')?.pageUrl ?? '';
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await corridor?.stop();
});

describe('without JavaScript, on a 390 px phone', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  });
  afterAll(() => context.close());

  it('a gallery thumbnail opens its photo large, on the post page', async () => {
    const page = await context.newPage();
    await page.goto(`${corridor.url}/s/demo`);
    const thumbnail = page.getByRole('link', { name: 'Children sketching fossils' });
    const small = await thumbnail.locator('img').boundingBox();
    expect(small?.width).toBeLessThan(PHONE.viewport.width / 2);
    await thumbnail.click();
    await page.waitForURL(`${gallery.url}#m2`);
    const large = page.locator('#m2 img');
    await large.evaluate((img: HTMLImageElement) => img.decode());
    const box = await large.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(PHONE.viewport.width - 32);
    // The photo it opened is on the screen, not somewhere below.
    expect(box?.y).toBeLessThan(PHONE.viewport.height);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('h1').textContent()).toBe('Natural History Museum');
    // What the phone shows once the thumbnail was tapped: the screen (a full-page capture would scroll it).
    await page.screenshot({
      path: fileURLToPath(new URL('../.artifacts/screenshots/public-post-gallery-open-phone-nojs.png', import.meta.url)),
    });
    await page.close();
  });

  it('the private class page says so, on top', async () => {
    const page = await context.newPage();
    await page.goto(classPageUrl);
    const notice = page.getByRole('note');
    expect(await notice.textContent()).toContain('Please do not share it');
    const box = await notice.boundingBox();
    expect(box?.y).toBeLessThan(PHONE.viewport.height / 2);
    await screenshot(page, 'public-private-class-page-phone-nojs');
    await page.close();
  });

  it('the language switcher is plain links, and the choice is remembered for the plain address', async () => {
    const page = await context.newPage();
    await page.goto(`${corridor.url}/s/demo`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en-GB');
    await page.getByRole('link', { name: 'Polski' }).click();
    await page.waitForURL(`${corridor.url}/s/demo/pl`);
    expect(await page.locator('#get-updates').textContent()).toBe('Otrzymuj nowości');
    await page.goto(`${corridor.url}/s/demo`);
    expect(page.url()).toBe(`${corridor.url}/s/demo/pl`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${corridor.url}/s/demo`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en-GB');
    await page.close();
  });
});

describe('in the browser’s language', () => {
  for (const [language, dir] of [
    ['pl', 'ltr'],
    ['ur', 'rtl'],
  ] as const) {
    it(`follows Accept-Language: ${language}, laid out ${dir}, the English captions marked as English`, async () => {
      const context = await browser.newContext({ ...PHONE, locale: language, extraHTTPHeaders: { 'Accept-Language': language } });
      const page = await context.newPage();
      await page.goto(`${corridor.url}/s/demo`);
      expect(page.url()).toBe(`${corridor.url}/s/demo/${language}`);
      expect(await page.locator('html').getAttribute('lang')).toBe(language);
      expect(await page.locator('html').getAttribute('dir')).toBe(dir);
      const caption = page.locator('.caption').first();
      expect(await caption.getAttribute('lang')).toBe('en-GB');
      expect(await caption.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
      expect(await page.locator('html').evaluate((el) => getComputedStyle(el).direction)).toBe(dir);
      expect(await axeViolations(page)).toEqual([]);
      expect(await phoneLayoutProblems(page)).toEqual({ horizontalOverflow: 0, smallTargets: [] });
      await screenshot(page, `public-school-page-${language}-phone`);
      await context.close();
    });
  }
});

describe('the widget on a school website', () => {
  it('speaks the visitor’s language: Urdu right to left, the date on the school’s clock, "2 more" in Urdu', async () => {
    const host = await startHostSite({
      '/': {
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>School website</title></head><body><main><h1>News</h1><script src="${corridor.url}/embed.js" data-school="demo" async></script></main></body></html>`,
      },
    });
    const context = await browser.newContext({ ...PHONE, locale: 'ur-PK' });
    const page = await context.newPage();
    await page.goto(host.url);
    const widget = page.locator('corridor-feed section');
    await page.locator('corridor-feed li').first().waitFor();
    expect(await widget.getAttribute('lang')).toBe('ur');
    expect(await widget.getAttribute('dir')).toBe('rtl');
    const galleryItem = page.locator('corridor-feed li', { hasText: 'Year 2 found out' });
    expect(await galleryItem.locator('.caption').getAttribute('lang')).toBe('en-GB');
    // Formatted by the browser's own Intl, as the widget does (its ICU may differ from Node's).
    const when = await page.evaluate(
      (iso) =>
        new Intl.DateTimeFormat('ur', {
          dateStyle: 'medium',
          timeStyle: 'short',
          hourCycle: 'h23',
          timeZone: 'Europe/London',
        }).format(new Date(iso)),
      gallery.publishedAt ?? '',
    );
    expect(await galleryItem.locator('.meta a').textContent()).toBe(`${when} کی پوسٹ · 2 مزید`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'public-widget-ur-phone');
    await context.close();
    await host.stop();
  });
});

describe('accessible', () => {
  for (const [name, device] of [
    ['390 px', PHONE],
    ['1280 px', DESKTOP],
  ] as const) {
    // Five pages, each checked by axe: minutes on a busy 2-core machine, so this test has its own time.
    it(`passes axe with no violations at ${name}: school page, post page (English, Urdu), private page, widget page`, async () => {
      const context = await browser.newContext(device);
      for (const url of [
        `${corridor.url}/s/demo`,
        gallery.url ?? '',
        `${gallery.url}/ur`,
        classPageUrl,
        `${corridor.url}/embed/demo`,
      ]) {
        const page = await context.newPage();
        await page.goto(url);
        expect(await axeViolations(page), `${url} at ${name}`).toEqual([]);
        if (device === PHONE) expect(await phoneLayoutProblems(page), url).toEqual({ horizontalOverflow: 0, smallTargets: [] });
        await page.close();
      }
      await context.close();
    }, 240_000);
  }
});
