import { readFile } from 'node:fs/promises';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { toPixels } from '../../functions/core/media/faces/box';
import { getPostWithMedia } from '../../functions/core/posts/store';
import { phoneLayoutProblems, screenshot, seriousAxeViolations } from '../helpers/browser';
import { type ComposerRig, startComposerRig } from '../helpers/composer';
import { corpusPath } from '../helpers/corpus';
import type { TestCorridor } from '../helpers/corridor';

/**
 * Issue 19, acceptance 2: the composer's face review at 390×844 in real Chromium, against the real
 * detector and photo pipeline. The photo goes up as a draft, the faces the server found are outlined on
 * the teacher's own picture, each is a toggle, "Blur every face" is one tap, the default follows the
 * consent rules, showing a face the rules blur asks in words and is audited, and the post goes out with
 * the choices made (the stored flags, and the published pixels: blurred faces lose their detail, a face
 * shown keeps it).
 */

const PHOTO = corpusPath('group_faces_stairs.jpg');
const VIDEO = corpusPath('video_3gp5_h264_rot90.mp4');

interface AuditAnswer {
  entries: { action: string; target: string; details: Record<string, unknown> }[];
}

let rig: ComposerRig;
let corridor: TestCorridor;
let staffToken: string;

beforeAll(async () => {
  rig = await startComposerRig({ teacher: 'Ms Okafor' });
  ({ corridor, staffToken } = rig);
  // Year 2 has a pupil with school-only consent and one with none; Year 1's pupils may be public.
  const roster = [
    'Surname,Forename,Reg Group,Photo Consent',
    'Brown,Ava,Year 2,School only',
    'Lee,Sam,Year 2,None',
    'March,Jo,Year 1,Public',
  ].join('\r\n');
  const imported = await corridor.fetch('/api/consent/roster', {
    method: 'PUT',
    headers: { authorization: `Bearer ${corridor.token}`, 'content-type': 'text/csv' },
    body: roster,
  });
  expect(imported.status).toBe(200);
});

afterAll(async () => {
  await rig?.stop();
});

/** Attaches the group photo, describes it, picks one audience chip and taps Post. */
async function postGroupPhoto(page: Page, caption: string, audience: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Photos' }).tap();
  await (await chooser).setFiles([PHOTO]);
  await page.getByLabel('Describe photo 1').fill('The choir on the stairs');
  await page.getByLabel('Caption').fill(caption);
  const box = page.getByRole('checkbox', { name: audience });
  if (!(await box.isChecked())) await page.locator('label.chip', { hasText: audience }).tap();
  await page.getByRole('button', { name: /^Post/ }).tap();
  // Upload, then the server's search for faces (on a shared machine): minutes at worst.
  await page.getByRole('heading', { name: 'Check the faces' }).waitFor({ timeout: 240_000 });
}

const faces = (page: Page) => page.getByRole('button', { name: /^Face \d+ of \d+, (blurred|clear)$/ });
const names = (page: Page) => faces(page).evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));

async function postByCaption(caption: string): Promise<PostView> {
  const { body } = await corridor.api<{ posts: PostView[] }>('GET', '/api/posts');
  const listed = body.posts.find((p) => p.caption === caption);
  if (!listed) throw new Error(`no post "${caption}"`);
  // The list carries no files; the post itself does.
  return (await corridor.api<{ post: PostView }>('GET', `/api/posts/${listed.id}`)).body.post;
}

async function waitUntilPublished(caption: string): Promise<PostView> {
  await expect.poll(async () => (await postByCaption(caption)).state, { timeout: 300_000, interval: 1_000 }).toBe('published');
  return postByCaption(caption);
}

/**
 * How much detail a face's region keeps in the published picture: the standard deviation of its
 * luminance's high frequencies (the picture minus its own blur). A destroyed face has almost none.
 */
async function detail(picture: Buffer, face: { x: number; y: number; w: number; h: number }): Promise<number> {
  const { width = 0, height = 0 } = await sharp(picture).metadata();
  const box = toPixels(face, width, height);
  const region = sharp(picture).extract(box).greyscale();
  const sharpRegion = await region.clone().raw().toBuffer();
  const smooth = await region.clone().blur(2).raw().toBuffer();
  const diffs = [...sharpRegion].map((v, i) => v - (smooth[i] ?? 0));
  const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
  return Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / diffs.length);
}

async function largestPublishedJpeg(post: PostView): Promise<Buffer> {
  const html = await (await corridor.fetch(`/p/${post.id}`)).text();
  const jpegs = [...html.matchAll(/(https?:\/\/[^"\s]+\.jpg) (\d+)w/g)].sort((a, b) => Number(b[2]) - Number(a[2]));
  const url = jpegs[0]?.[1] ?? /<meta property="og:image" content="([^"]+)">/.exec(html)?.[1];
  if (!url) throw new Error('the post page names no JPEG');
  return Buffer.from(await (await fetch(url)).arrayBuffer());
}

/** Every object stored under the post's media prefix in the site bucket. */
async function storedKeys(postId: string): Promise<string[]> {
  const { deps } = corridor.local;
  const listed = await deps.clients.s3.send(
    new ListObjectsV2Command({ Bucket: deps.config.siteBucket, Prefix: `media/${postId}/` }),
  );
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
}

async function currentOutputKeys(postId: string): Promise<string[]> {
  const current = await getPostWithMedia(corridor.local.deps, postId);
  return (current?.media ?? []).flatMap((m) => m.outputs.map((o) => o.key)).sort();
}

describe('the face review in the composer (390×844, touch)', () => {
  it('to Public with pupils lacking consent: faces start blurred; showing one asks in words and is audited; published as chosen', async () => {
    const { context, page } = await rig.openComposer();
    const caption = 'Choir on the stairs #music';
    await postGroupPhoto(page, caption, 'Public');

    const n = await faces(page).count();
    expect(n).toBeGreaterThanOrEqual(5);
    // The consent rules (Ava and Sam pictured, public audience) start every face blurred.
    expect(await names(page)).toEqual(Array.from({ length: n }, (_, i) => `Face ${i + 1} of ${n}, blurred`));
    for (const face of await faces(page).all()) expect(await face.getAttribute('aria-pressed')).toBe('true');
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'will be blurred' }).textContent())
      .toBe(`Every face (${n}) will be blurred.`);
    expect(await page.locator('.card .status').textContent()).toBe('Not sent yet: check the faces, then send');
    await page.getByRole('heading', { name: 'Check the faces' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'faces-review-consent-phone');
    expect(await seriousAxeViolations(page)).toEqual([]);
    const layout = await phoneLayoutProblems(page);
    expect(layout.horizontalOverflow).toBeLessThanOrEqual(0);
    expect(layout.smallTargets).toEqual([]);

    // Showing face 2 asks first, in words: why it is blurred, who would see it, that it is recorded.
    await faces(page).nth(1).tap();
    const dialog = page.getByRole('dialog', { name: `Show face 2 of ${n}?` });
    await dialog.waitFor();
    const words = await dialog.textContent();
    expect(words).toContain('some pupils in the classes pictured have no photo consent for this audience');
    expect(words).toContain('anyone on the internet');
    expect(words).toContain('audit log');
    await screenshot(page, 'faces-review-confirm-phone');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'I confirm: show it' }).tap();
    expect(await faces(page).nth(1).getAttribute('aria-label')).toBe(`Face 2 of ${n}, clear`);
    expect(await faces(page).nth(1).getAttribute('aria-pressed')).toBe('false');
    // Declining leaves the face blurred.
    await faces(page).nth(2).tap();
    await page.getByRole('dialog').getByRole('button', { name: 'Keep it blurred' }).tap();
    expect(await faces(page).nth(2).getAttribute('aria-label')).toBe(`Face 3 of ${n}, blurred`);
    expect(await page.getByRole('status').filter({ hasText: 'will be blurred' }).textContent()).toBe(
      `${n - 1} of ${n} faces will be blurred; 1 will be seen by anyone on the internet (the school website, its feeds and widget).`,
    );
    await screenshot(page, 'faces-review-one-shown-phone');

    // Nothing is published before Send.
    expect((await postByCaption(caption)).state).toBe('draft');
    await page.getByRole('button', { name: 'Send the post' }).tap();
    const post = await waitUntilPublished(caption);
    await expect.poll(() => page.locator('.card .status').textContent(), { timeout: 60_000 }).toMatch(/^Live/);
    await screenshot(page, 'faces-review-sent-phone');

    const stored = post.media[0]?.faces ?? [];
    expect(stored.length).toBe(n);
    expect(stored.map((f) => f.blur)).toEqual(Array.from({ length: n }, (_, i) => i !== 1));
    expect(post.media[0]?.faceReview).toBeUndefined();
    const log = await corridor.api<AuditAnswer>('GET', '/api/audit');
    const confirmation = log.body.entries.find((e) => e.action === 'consent_confirmed' && e.target === post.id);
    expect(confirmation?.details).toMatchObject({
      audience: ['public'],
      pupils: ['Ava Brown (Year 2, school only)', 'Sam Lee (Year 2, no photos)'],
      facesKept: 'faces kept clear in file 1 of 1',
      blurReason: 'pupils pictured without consent for this audience',
    });

    // The draft's renders (every face clear) are gone from storage: only the published files remain.
    await corridor.local.idle();
    expect(await storedKeys(post.id)).toEqual(await currentOutputKeys(post.id));

    // The published picture: the face shown keeps its detail, the blurred ones lost theirs.
    const published = await largestPublishedJpeg(post);
    const original = await sharp(await readFile(PHOTO))
      .rotate()
      .jpeg()
      .toBuffer();
    const shown = stored[1] as (typeof stored)[number];
    expect(await detail(published, shown)).toBeGreaterThan(0.6 * (await detail(original, shown)));
    for (const face of stored.filter((f) => f.blur)) {
      expect(await detail(published, face)).toBeLessThan(0.35 * (await detail(original, face)));
    }
    await context.close();
  }, 600_000);

  it('to a class whose pupils may all be seen: faces start clear, a tap toggles, “Blur every face” is one tap; nothing audited', async () => {
    const { context, page } = await rig.openComposer();

    // A video says, before it is sent, that only its poster picture is blurred.
    const videoChooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Video' }).tap();
    await (await videoChooser).setFiles([VIDEO]);
    expect(await page.locator('.attachment.video').textContent()).toContain(
      'Faces are blurred on the video’s poster picture only, not in the video itself.',
    );
    await page.getByRole('button', { name: 'Remove video 1' }).tap();

    const caption = 'Year 1 sings #music';
    await postGroupPhoto(page, caption, 'Year 1');
    const n = await faces(page).count();
    expect(n).toBeGreaterThanOrEqual(5);
    expect(await names(page)).toEqual(Array.from({ length: n }, (_, i) => `Face ${i + 1} of ${n}, clear`));

    // A tap blurs face 1 (no question: blurring needs no consent), a second tap shows it again.
    await faces(page).first().tap();
    expect(await faces(page).first().getAttribute('aria-label')).toBe(`Face 1 of ${n}, blurred`);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await screenshot(page, 'faces-review-clear-one-blurred-phone');
    await faces(page).first().tap();
    expect(await faces(page).first().getAttribute('aria-label')).toBe(`Face 1 of ${n}, clear`);
    // With the keyboard: Tab reaches a face, Space toggles it.
    await faces(page).nth(3).focus();
    await page.keyboard.press('Space');
    expect(await faces(page).nth(3).getAttribute('aria-label')).toBe(`Face 4 of ${n}, blurred`);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Face 4 of ${n}, blurred`);

    await page.getByRole('button', { name: 'Blur every face' }).tap();
    expect(await names(page)).toEqual(Array.from({ length: n }, (_, i) => `Face ${i + 1} of ${n}, blurred`));
    expect(await page.getByRole('status').filter({ hasText: 'will be blurred' }).textContent()).toBe(
      `Every face (${n}) will be blurred.`,
    );
    await screenshot(page, 'faces-review-blur-every-face-phone');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Send the post' }).tap();
    const post = await waitUntilPublished(caption);
    expect(post.media[0]?.faces?.map((f) => f.blur)).toEqual(Array.from({ length: n }, () => true));
    const log = await corridor.api<AuditAnswer>('GET', '/api/audit');
    expect(log.body.entries.filter((e) => e.action === 'consent_confirmed' && e.target === post.id)).toEqual([]);
    await context.close();
  }, 600_000);

  it('a draft whose faces were not chosen on the phone is sent from My posts with every face blurred', async () => {
    const { context, page } = await rig.openComposer();
    const caption = 'Choir, chosen later';
    await postGroupPhoto(page, caption, 'Year 1');
    // The teacher leaves the review unsent (another tab, or the phone closed) and finds it in My posts.
    await page.getByRole('link', { name: 'My posts' }).tap();
    const card = page.locator('.my-posts .card', { hasText: caption });
    await expect
      .poll(() => card.locator('.status').textContent(), { timeout: 30_000 })
      .toBe('Not sent yet: check the faces, then send');
    await card.getByRole('button', { name: 'Send with every face blurred' }).tap();
    const post = await waitUntilPublished(caption);
    expect(post.media[0]?.faces?.length).toBeGreaterThanOrEqual(5);
    expect(post.media[0]?.faces?.every((f) => f.blur)).toBe(true);
    await expect.poll(() => card.locator('.status').textContent(), { timeout: 60_000 }).toMatch(/^Live/);
    await context.close();
  }, 600_000);

  it('an approver sees the same outlines on the post waiting for approval, named face by face', async () => {
    const on = await corridor.api('PATCH', '/api/settings', { requiresApproval: true });
    expect(on.status).toBe(200);
    try {
      const caption = 'Choir practice, waiting for the head';
      const waiting = await corridor.post({
        audience: 'public',
        caption,
        files: [{ path: PHOTO, alt: 'The choir on the stairs', faces: 'blur' }],
        token: staffToken,
      });
      await expect
        .poll(async () => (await postByCaption(caption)).state, { timeout: 300_000, interval: 1_000 })
        .toBe('pending_approval');
      const n = (await postByCaption(caption)).media[0]?.faces?.length ?? 0;
      expect(n).toBeGreaterThanOrEqual(5);

      const { context, page } = await rig.openComposer({ token: corridor.token });
      await page.goto(`${corridor.url}/compose/#admin/approvals`);
      const card = page.locator('.card', { hasText: caption });
      await card.waitFor({ timeout: 60_000 });
      const outlines = card.getByRole('img', { name: /^Face \d+ of \d+, (blurred|clear)$/ });
      await expect.poll(() => outlines.count()).toBe(n);
      expect(await outlines.first().getAttribute('aria-label')).toBe(`Face 1 of ${n}, blurred`);
      expect(await card.locator('figcaption').textContent()).toBe(`${n} faces: ${n} blurred.`);
      const photo = card.getByRole('img', { name: 'The choir on the stairs' });
      await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'faces-approver-outlines-phone');
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(waiting.id).toBeTruthy();
      await context.close();
    } finally {
      await corridor.api('PATCH', '/api/settings', { requiresApproval: false });
    }
  }, 600_000);
});
