import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { DESKTOP, launchChromium, PHONE, phoneLayoutProblems, screenshot, seriousAxeViolations } from '../helpers/browser';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * The pages parents open from a text message: the school page and a post's page, server-rendered.
 * They must be readable on a 390 px phone with JavaScript off, and play sound and video.
 */
let corridor: TestCorridor;
let browser: Browser;
let gallery: PostView;
let audio: PostView;
let video: PostView;
const familiesOnly = 'Families only: nits letter';

beforeAll(async () => {
  corridor = await startTestCorridor();
  gallery = await corridor.post({
    audience: 'public',
    caption:
      'Year 2 visited the Natural History Museum today and found out what dinosaurs ate, how big their eggs were, and why some of them had feathers. Photos from the day: https://example.org/trip #trips #year2',
    files: [
      { path: corpusPath('orient_landscape_6.jpg'), alt: 'A dinosaur skeleton in a great hall' },
      { path: corpusPath('orient_portrait_8.jpg'), alt: 'Children sketching fossils' },
    ],
  });
  audio = await corridor.post({
    audience: 'public',
    caption: 'Listen to Reception’s counting song',
    files: [{ path: corpusPath('audio_iphone_voice_memo.m4a'), contentType: 'audio/mp4', alt: 'The counting song' }],
  });
  video = await corridor.post({
    audience: 'public',
    caption: 'Sports day relay',
    files: [{ path: corpusPath('video_android6_h264_gps.mp4'), contentType: 'video/mp4', alt: 'The relay race' }],
  });
  await corridor.post({ audience: 'school', caption: familiesOnly });
  for (const post of [gallery, audio, video]) expect(post.state).toBe('published');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await corridor?.stop();
});

/** How wide the page really is: a full-page screenshot includes any sideways overflow. */
async function renderedWidth(page: Page, name: string): Promise<number> {
  await screenshot(page, name);
  const png = await page.screenshot({ fullPage: true });
  return png.readUInt32BE(16) / PHONE.deviceScaleFactor;
}

describe('without JavaScript, on a 390 px phone', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  });
  afterAll(() => context.close());

  it('the school page lists the public posts with pictures, a sound player and a video player, and fits the screen', async () => {
    const page = await context.newPage();
    await page.goto(`${corridor.url}/s/demo`);
    expect(await page.locator('h1').textContent()).toBe('Demo Primary School');
    expect(await page.locator('main article').count()).toBe(3);
    expect(await page.locator('main').textContent()).not.toContain(familiesOnly);
    expect(await page.locator('audio[controls]').count()).toBe(1);
    expect(await page.locator('video[controls]').count()).toBe(1);
    expect(await page.locator('video[controls]').getAttribute('poster')).toMatch(/\/media\//);
    expect(await page.locator('img[srcset][sizes]').count()).toBe(2);
    expect(await page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).alt))).toEqual([
      'A dinosaur skeleton in a great hall',
      'Children sketching fossils',
    ]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await renderedWidth(page, 'school-page-phone-nojs')).toBe(PHONE.viewport.width);
    await page.close();
  });

  it('each post page shows its media and fits the screen', async () => {
    for (const [post, player] of [
      [gallery, 'img'],
      [audio, 'audio[controls]'],
      [video, 'video[controls]'],
    ] as const) {
      const page = await context.newPage();
      await page.goto(post.url ?? '');
      expect(await page.locator('h1').textContent()).toContain(post.caption.slice(0, 30));
      expect(await page.locator(`main ${player}`).count()).toBeGreaterThan(0);
      expect(await page.getByRole('link', { name: '← Demo Primary School' }).getAttribute('href')).toBe(`${corridor.url}/s/demo`);
      expect(await renderedWidth(page, `post-page-${player.split('[')[0]}-phone-nojs`)).toBe(PHONE.viewport.width);
      await page.close();
    }
  });
});

describe('accessible', () => {
  it('the school page and a post page pass axe and have 44 px targets at 390 px', async () => {
    const context = await browser.newContext(PHONE);
    for (const url of [`${corridor.url}/s/demo`, gallery.url ?? '', video.url ?? '']) {
      const page = await context.newPage();
      await page.goto(url);
      expect(await seriousAxeViolations(page), url).toEqual([]);
      const layout = await phoneLayoutProblems(page);
      expect(layout.horizontalOverflow, url).toBeLessThanOrEqual(0);
      expect(layout.smallTargets, url).toEqual([]);
      await page.close();
    }
    await context.close();
  });

  it('looks right on a desktop screen', async () => {
    const context = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${corridor.url}/s/demo`);
    await screenshot(page, 'school-page-desktop-nojs');
    await page.goto(gallery.url ?? '');
    await screenshot(page, 'post-page-desktop-nojs');
    expect(await page.locator('main img').count()).toBe(2);
    await context.close();
  });
});
