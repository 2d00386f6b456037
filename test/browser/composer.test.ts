import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MULTIPART_THRESHOLD_BYTES, PART_BYTES } from '../../functions/core/media/multipart';
import { DESKTOP, PHONE, phoneLayoutProblems, screenshot, seriousAxeViolations, signInWithToken } from '../helpers/browser';
import { type ComposerRig, startComposerRig } from '../helpers/composer';
import { corpusPath } from '../helpers/corpus';
import type { TestCorridor } from '../helpers/corridor';

const run = promisify(execFile);

interface JsonFeed {
  items: { url: string; content_text: string; _corridor: { media: { kind: string; alt: string }[] } }[];
}

let rig: ComposerRig;
let corridor: TestCorridor;
let browser: Browser;
let staffToken: string;
let scratch: string;

beforeAll(async () => {
  rig = await startComposerRig({ teacher: 'Ms Okafor', chromiumArgs: ['--use-fake-device-for-media-stream'] });
  ({ corridor, browser, staffToken } = rig);
  scratch = await mkdtemp(join(tmpdir(), 'corridor-composer-'));
});

afterAll(async () => {
  await rig?.stop();
  await rm(scratch, { recursive: true, force: true });
});

const feed = async () => (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
const postsWithCaption = async (caption: string) => {
  const { body } = await corridor.api<{ posts: { id: string; caption: string; state: string }[] }>('GET', '/api/posts');
  return body.posts.filter((p) => p.caption === caption);
};

/** Opens the composer and signs in with the staff token, as a teacher pasting it would. */
const signIn = (page: Page) => signInWithToken(page, corridor.url, staffToken);

/** Fills the form: files through the real file chooser, a description per photo, caption, audience. */
async function compose(page: Page, post: { files: string[]; alts?: string[]; caption: string; audience: string }) {
  if (post.files.length > 0) {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Photos' }).tap();
    await (await chooser).setFiles(post.files);
  }
  for (const [i, alt] of (post.alts ?? []).entries()) await page.getByLabel(`Describe photo ${i + 1}`).fill(alt);
  await page.getByLabel('Caption').fill(post.caption);
  const box = page.getByRole('checkbox', { name: post.audience });
  // The last audience is remembered; a tap on a chosen chip would un-choose it.
  if (!(await box.isChecked())) await page.locator('label.chip', { hasText: post.audience }).tap();
  expect(await box.isChecked()).toBe(true);
}

/** Every text the status line of the newest card shows, in order (recorded in the page). */
async function recordStatuses(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __statuses: string[] }).__statuses = seen;
    new MutationObserver(() => {
      const text = document.querySelector('.activity .card .status')?.textContent ?? '';
      if (text && text !== seen.at(-1)) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
}

/**
 * Slows uploads like a phone on school Wi-Fi, so progress events arrive between 0 and 100 %. Returns a
 * switch for the signal on the same DevTools session (a second session's conditions would not apply).
 */
async function throttleUploads(context: BrowserContext, page: Page, bytesPerSecond: number) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const conditions = (offline: boolean) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond,
    });
  await conditions(false);
  return { offline: () => conditions(true), online: () => conditions(false) };
}

describe('the composer, installable', () => {
  it('serves a manifest with PNG icons of the declared sizes, and its service worker controls the page', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${corridor.url}/compose`);
    expect(new URL(page.url()).pathname).toBe('/compose/');
    const manifestUrl = await page.locator('link[rel=manifest]').getAttribute('href');
    const manifest = (await (await corridor.fetch(manifestUrl ?? '')).json()) as {
      start_url: string;
      scope: string;
      display: string;
      icons: { src: string; sizes: string; purpose: string; type: string }[];
    };
    expect(manifest).toMatchObject({ start_url: '/compose/', scope: '/compose/', display: 'standalone' });
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    for (const icon of manifest.icons) {
      const response = await corridor.fetch(icon.src);
      expect(response.headers.get('content-type')).toBe('image/png');
      const { width, height, format } = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect(`${width}x${height}`).toBe(icon.sizes);
      expect(format).toBe('png');
    }
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${corridor.url}/compose/sw.js`);
    await screenshot(page, 'composer-signin-phone');
    await context.close();
  });

  it('refuses a wrong token with words, and keeps the form', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${corridor.url}/compose/`);
    await page.getByLabel('Staff token').fill('crd_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).tap();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This token was not accepted');
    expect(await page.getByLabel('Caption').count()).toBe(0);
    await context.close();
  });
});

describe('posting from a phone (390×844, touch)', () => {
  it('signs in, attaches a corpus photo through the file chooser, shows byte progress, reaches Live with a link; the post is in feed.json', async () => {
    const { context, page } = await rig.openComposer();
    const caption = 'Sunflowers are up! #year2 #science';
    const alt = 'Three children measuring a sunflower taller than them';
    await compose(page, { files: [corpusPath('photo_android_nexus4_gps.jpg')], alts: [alt], caption, audience: 'Public' });
    await screenshot(page, 'composer-form-phone');
    const statuses = await recordStatuses(page);
    await throttleUploads(context, page, 1024 * 1024);
    await page.getByRole('button', { name: /^Post/ }).tap();

    // Real bytes: the bar is seen part-way, neither empty nor full.
    await page.waitForFunction(() => {
      const bar = document.querySelector<HTMLProgressElement>('.activity .card progress');
      return bar !== null && bar.value > 0 && bar.value < 100;
    });
    await page.locator('.activity .card .status', { hasText: /^Live$/ }).waitFor({ timeout: 60_000 });
    const seen = await statuses();
    expect(seen[0]).toMatch(/^(Waiting to send…|Sending…)$/);
    expect(seen.some((s) => /^Uploading \d+%$/.test(s) && s !== 'Uploading 100%')).toBe(true);
    expect(seen).toContain('Uploaded — processing…');
    expect(seen.at(-1)).toBe('Live');
    expect(await page.locator('.activity .card progress').evaluate((bar: HTMLProgressElement) => bar.value)).toBe(100);

    const href = await page.getByRole('link', { name: 'View the post' }).getAttribute('href');
    expect(href).toMatch(new RegExp(`^${corridor.url}/p/[A-Za-z0-9_-]+$`));
    const item = (await feed()).items.find((i) => i.url === href);
    expect(item?.content_text).toBe(caption);
    expect(item?._corridor.media).toMatchObject([{ kind: 'image', alt }]);
    expect(await postsWithCaption(caption)).toHaveLength(1);
    await screenshot(page, 'composer-live-phone');
    await context.close();
  });

  it('queues a post made offline in IndexedDB and publishes it exactly once when back online, even with two tabs open', async () => {
    const { context, page } = await rig.openComposer();
    await page.evaluate(() => navigator.serviceWorker.ready);
    const caption = `Offline in the field ${Date.now()}`;
    await context.setOffline(true);
    await compose(page, {
      files: [corpusPath('orient_portrait_3.jpg')],
      alts: ['Pond dipping nets'],
      caption,
      audience: 'Public',
    });
    await page.getByRole('button', { name: /^Post/ }).tap();
    await page.locator('.activity .card .status', { hasText: 'back online' }).waitFor();
    const queued = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('corridor-compose');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const count = open.result.transaction('outbox').objectStore('outbox').count();
            count.onsuccess = () => resolve(count.result);
          };
        }),
    );
    expect(queued).toBe(1);

    // A second tab, opened with no signal: the service worker serves the app, which finds the queue.
    const second = await context.newPage();
    await second.goto(`${corridor.url}/compose/`);
    await second.locator('.activity .card', { hasText: caption }).waitFor();
    expect(await postsWithCaption(caption)).toHaveLength(0);

    await context.setOffline(false);
    await page.locator('.activity .card .status', { hasText: /^Live$/ }).waitFor({ timeout: 60_000 });
    await corridor.local.idle();
    expect(await postsWithCaption(caption)).toHaveLength(1);
    expect((await feed()).items.filter((i) => i.content_text === caption)).toHaveLength(1);
    await context.close();
    // Its own budget: the wait for Live alone may take a minute (above), and at the start of a full run,
    // with every test file importing at once, the whole walk once took over 60 s where alone it takes 11 s.
  }, 150_000);

  it('sends a large recording in parts and, after the signal drops mid-upload, sends only the parts still missing', async () => {
    const wav = join(scratch, 'assembly.wav');
    // 100 s of CD-quality stereo: ≈17.6 MB, over the multipart threshold, three parts.
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=100', '-ac', '2', '-ar', '44100', wav]);
    const size = (await stat(wav)).size;
    expect(size).toBeGreaterThan(MULTIPART_THRESHOLD_BYTES);
    const parts = Math.ceil(size / PART_BYTES);

    const { context, page } = await rig.openComposer();
    const attempts: { part: number; ok: boolean }[] = [];
    const failedRequests: string[] = [];
    const partOf = (url: string) => Number(new URL(url).searchParams.get('partNumber'));
    page.on('requestfinished', async (request) => {
      if (request.method() === 'PUT' && request.url().includes('partNumber=')) {
        attempts.push({ part: partOf(request.url()), ok: (await request.response())?.ok() ?? false });
      }
    });
    page.on('requestfailed', (request) => {
      failedRequests.push(request.url());
      if (request.method() === 'PUT' && request.url().includes('partNumber='))
        attempts.push({ part: partOf(request.url()), ok: false });
    });
    const caption = 'The whole assembly song';
    await compose(page, { files: [wav], caption, audience: 'Public' });
    await page.getByLabel('Describe the recording (optional)').fill('Year 3 singing in assembly');
    const signal = await throttleUploads(context, page, 2 * 1024 * 1024);
    const firstPartRecorded = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && /\/uploads\/[^/]+\/parts\/1$/.test(r.url()),
    );
    await page.getByRole('button', { name: /^Post/ }).tap();
    expect((await firstPartRecorded).status()).toBe(200);
    // The signal drops while part 2 is on its way…
    await signal.offline();
    await page.locator('.activity .card .status', { hasText: /signal|back online/ }).waitFor();
    // …and comes back.
    await signal.online();
    await page.locator('.activity .card .status', { hasText: /^Live$/ }).waitFor({ timeout: 120_000 });

    // The drop was real (requests failed), every part arrived, and part 1 — recorded before the drop —
    // was never sent again. (Part 2 may go twice: if it arrived but its ETag could not be reported,
    // the server does not count it, and it is sent again.)
    expect(failedRequests.length).toBeGreaterThan(0);
    const succeeded = attempts.filter((a) => a.ok).map((a) => a.part);
    expect([...new Set(succeeded)].sort()).toEqual(Array.from({ length: parts }, (_, i) => i + 1));
    expect(succeeded.filter((part) => part === 1)).toHaveLength(1);
    expect(attempts.filter((a) => a.part === 1)).toHaveLength(1);
    const item = (await feed()).items.find((i) => i.content_text === caption);
    expect(item?._corridor.media).toMatchObject([{ kind: 'audio', alt: 'Year 3 singing in assembly' }]);
    await context.close();
  });

  it('shows a readable failure when a file cannot be processed', async () => {
    const { context, page } = await rig.openComposer();
    await compose(page, {
      files: [corpusPath('jpeg_corrupt_header.jpg')],
      alts: ['A drawing'],
      caption: 'This photo is damaged',
      audience: 'Whole school',
    });
    await page.getByRole('button', { name: /^Post/ }).tap();
    const status = page.locator('.activity .card .status', { hasText: /^Not published: / });
    await status.waitFor({ timeout: 60_000 });
    expect(await status.textContent()).toMatch(/^Not published: .*(damaged|could not be read|not a photo)/i);
    expect(await status.getAttribute('class')).toBe('status problem');
    await context.close();
  });

  it('lists recent posts, edits a caption and retracts a post from every channel', async () => {
    const caption = 'Cake sale on Friday';
    const posted = await corridor.post({ audience: 'public', caption, files: [{ path: corpusPath('orient_landscape_2.jpg') }] });
    const { context, page } = await rig.openComposer();
    await page.getByRole('link', { name: 'My posts' }).tap();
    const card = page.locator(`.my-posts li[data-post="${posted.id}"]`);
    await card.waitFor();
    expect(await card.locator('.status').textContent()).toBe('Live');

    await card.getByRole('button', { name: 'Edit caption' }).tap();
    await card.getByLabel('Caption').fill('Cake sale moved to Monday');
    await card.getByRole('button', { name: 'Save caption' }).tap();
    await card.locator('.card-caption', { hasText: 'Cake sale moved to Monday' }).waitFor();
    await corridor.local.idle();
    expect((await feed()).items.find((i) => i.url === posted.url)?.content_text).toBe('Cake sale moved to Monday');
    await screenshot(page, 'composer-my-posts-phone');

    await card.getByRole('button', { name: 'Retract' }).tap();
    await card.getByRole('button', { name: 'Tap again to remove it everywhere' }).tap();
    await card.locator('.status', { hasText: 'Retracted' }).waitFor();
    await corridor.local.idle();
    expect((await feed()).items.some((i) => i.url === posted.url)).toBe(false);
    await context.close();
  });
});

describe('accessible on a phone', () => {
  it('has labelled controls and landmarks, 44 px targets, no sideways scroll at 390 px, and passes axe', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${corridor.url}/compose/`);
    await page.getByLabel('Staff token').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await signIn(page);
    await compose(page, {
      files: [corpusPath('orient_landscape_4.jpg'), corpusPath('audio_opus_mono.opus')],
      caption: 'Checking #art',
      audience: 'Reception',
    });

    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input:not([type=file]), textarea')]
        .filter((el) => el.labels?.length === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    for (const role of ['banner', 'navigation', 'main', 'group', 'status'] as const) {
      expect(await page.getByRole(role).count(), role).toBeGreaterThan(0);
    }
    expect(await page.getByRole('group', { name: 'Who can see it?' }).count()).toBe(1);
    expect(await page.getByRole('list', { name: 'Attached files' }).getByRole('listitem').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Remove photo 1' }).count()).toBe(1);

    const layout = await phoneLayoutProblems(page);
    expect(layout.horizontalOverflow).toBeLessThanOrEqual(0);
    expect(layout.smallTargets).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'composer-attachments-phone');

    await page.getByRole('link', { name: 'My posts' }).tap();
    await page.locator('.my-posts').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect((await phoneLayoutProblems(page)).smallTargets).toEqual([]);
    await context.close();
  });

  it('looks right on a desktop screen', async () => {
    // A touch laptop: the helpers tap.
    const { context, page } = await rig.openComposer({ device: { ...DESKTOP, hasTouch: true } });
    await compose(page, { files: [corpusPath('orient_landscape_4.jpg')], caption: 'Desktop check', audience: 'Whole school' });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'composer-desktop');
    await context.close();
  });
});

// The recorder (MediaRecorder, level meter, timer) needs a microphone: Chromium's fake device.
describe('recording sound in the page', () => {
  it('records from the microphone with a timer and level meter, and attaches the recording', async () => {
    const { context, page } = await rig.openComposer({ device: { ...PHONE, permissions: ['microphone'] } });
    await page.getByRole('button', { name: 'Sound' }).tap();
    const stop = page.getByRole('button', { name: 'Stop and add' });
    const problem = page.locator('.recorder .rec-status', { hasText: /cannot|No microphone|may not|busy/ });
    await stop.or(problem).waitFor();
    expect(await problem.count()).toBe(0);
    await page.waitForFunction(() => document.querySelector('.rec-timer')?.textContent !== '0:00');
    await stop.tap();
    const item = page.locator('.attachment.audio');
    await item.waitFor();
    expect(await item.locator('.size').textContent()).toMatch(/^Recording \d+m\d+s\.(webm|m4a|ogg) · \d+ KB$/);
    await context.close();
  });
});
