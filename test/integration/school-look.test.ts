import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { renderSite } from '../../functions/core/channels/rebuild';
import type { FaultPoint } from '../../functions/core/deps';
import type { Settings } from '../../functions/core/schools/settings';
import { metadataLeaks } from '../helpers/av-judges';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { joinByEmail, joinLinks, savePreferences, sentEmails, testClock } from '../helpers/parents';
import { readSiteArtifacts, readSiteState } from '../helpers/site-state';

/**
 * Issue 18, a school's look: logo, accent colour and welcome line, set by the school's admin over the
 * API and shown on the pages, the widget's feed, the e-mails, the podcast artwork and the favicon —
 * through the real photo pipeline (sharp), the emulated S3 and DynamoDB, and the SES emulator.
 */
const clock = testClock('2026-06-10T09:00:00Z'); // 10:00 in London: instant e-mails are not held for quiet hours
const ACCENT = '#7a1f5c';
const WELCOME = 'Welcome to Demo Primary — where every child shines.';
const PARENT = 'look-parent@example.org';
let corridor: TestCorridor;
let earlier: PostView;
/** The fault point the next save crashes at, once. */
let crashAt: FaultPoint | undefined;
let artworkBefore: string;

const text = async (url: string) => (await fetch(url)).text();
const bytesOf = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
const artworkUrl = async () => /<itunes:image href="([^"]+)"\/>/.exec(await text(`${corridor.url}/s/demo/rss.xml`))?.[1] ?? '';

/** Runs the real `corridor` bin as the school's admin. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['functions/cli/bin.js', ...args],
      { env: { ...process.env, CORRIDOR_URL: corridor.url, CORRIDOR_TOKEN: corridor.token } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Sends a logo as the composer and the CLI do: the picture's own bytes. */
async function putLogo(bytes: Buffer, contentType = 'image/jpeg') {
  const response = await corridor.fetch('/api/settings/logo', {
    method: 'PUT',
    headers: { authorization: `Bearer ${corridor.token}`, 'content-type': contentType },
    body: new Uint8Array(bytes),
  });
  return { status: response.status, body: (await response.json()) as { settings: Settings; error?: { message: string } } };
}

beforeAll(async () => {
  corridor = await startTestCorridor({
    now: clock.now,
    digestEveryMs: 0,
    faults: (point) => {
      if (point !== crashAt) return;
      crashAt = undefined;
      throw new Error(`injected crash at ${point}`);
    },
  });
  const manageUrl = await joinByEmail(corridor, (await joinLinks(corridor))['year-1']?.url ?? '', PARENT);
  await savePreferences(manageUrl, { email: 'instant' });
  earlier = await corridor.post({
    audience: 'public',
    caption: 'Sports day',
    files: [{ path: corpusPath('orient_landscape_1.jpg'), contentType: 'image/jpeg', alt: 'Children racing' }],
  });
  artworkBefore = await artworkUrl();
}, 120_000);

afterAll(() => corridor?.stop());

describe('the accent colour and welcome line', () => {
  it('refuses an accent that fails WCAG AA against white, saying the contrast in words', async () => {
    const light = await corridor.api<{ error: { message: string } }>('PATCH', '/api/settings', { accent: '#ffcc00' });
    expect(light.status).toBe(400);
    expect(light.body.error.message).toBe(
      'Please check: The accent colour: #ffcc00 is too light to read: its contrast with white is 1.5:1, and WCAG AA asks at least 4.5:1 (for white text on it, and for it as text on the white page). Choose a darker shade.',
    );
    const malformed = await corridor.api<{ error: { message: string } }>('PATCH', '/api/settings', { accent: 'blue' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('"blue" is not a colour Corridor can use: write it as # and six hex digits');
    const { body } = await corridor.api<{ settings: Settings }>('GET', '/api/settings');
    expect(body.settings.accent).toBeNull();
  });

  it('refuses a welcome line that is too long, has line breaks or markup', async () => {
    for (const [welcome, words] of [
      ['x'.repeat(141), 'The welcome line is too long (at most 140 characters).'],
      ['Hello\nparents', 'leave out line breaks'],
      ['<b>Hello</b>', 'leave out <tags>'],
    ]) {
      const { status, body } = await corridor.api<{ error: { message: string } }>('PATCH', '/api/settings', { welcome });
      expect(status, welcome).toBe(400);
      expect(body.error.message, welcome).toContain(words);
    }
  });

  it('keeps a passing accent (lower-cased) and the welcome line on the school record', async () => {
    const { status, body } = await corridor.api<{ settings: Settings }>('PATCH', '/api/settings', {
      accent: ACCENT.toUpperCase(),
      welcome: `  ${WELCOME} `,
    });
    expect(status).toBe(200);
    expect(body.settings).toMatchObject({ accent: ACCENT, welcome: WELCOME });
  });
});

describe('the logo', () => {
  it('goes through the photo pipeline: a photo with GPS and camera EXIF is served without any', async () => {
    const original = await readFile(corpusPath('photo_iphone5_gps_orient3.jpg'));
    expect((await metadataLeaks([corpusPath('photo_iphone5_gps_orient3.jpg')])).join()).toMatch(/GPS/);
    const { status, body } = await putLogo(original);
    expect(status, JSON.stringify(body)).toBe(200);
    const logo = body.settings.logo;
    expect(logo?.path).toMatch(/^\/media\/school-demo\/[\w-]{32}\.jpg$/);
    const served = await bytesOf(`${corridor.url}${logo?.path}`);
    const file = join(tmpdir(), `corridor-logo-${process.pid}.jpg`);
    await writeFile(file, served);
    expect(await metadataLeaks([file])).toEqual([]);
    const meta = await sharp(served).metadata();
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([logo?.width, logo?.height]);
    // Upright: the original is landscape with orientation 3 (upside down); the pipeline turned it.
    expect(meta.orientation ?? 1).toBe(1);
  });

  it('refuses, in words, a file that is not a picture', async () => {
    const sound = await putLogo(await readFile(corpusPath('audio_pcm16_stereo.wav')), 'image/png');
    expect(sound.status).toBe(422);
    expect(sound.body.error?.message).toBe(
      'A logo must be a picture: PNG, JPEG, WebP, HEIC or GIF (an SVG or PDF logo can be saved as PNG first). This file is a sound recording (wav).',
    );
    const svg = await putLogo(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml');
    expect(svg.status).toBe(422);
    expect(svg.body.error?.message).toContain('an SVG or PDF logo can be saved as PNG first');
  });
});

describe('where the look shows', () => {
  it('puts the accent, the logo band, the welcome line and a favicon on the school page', async () => {
    const { body } = await corridor.api<{ settings: Settings }>('GET', '/api/settings');
    const page = await text(`${corridor.url}/s/demo`);
    expect(page).toContain(`<style>:root{--brand:${ACCENT};--accent:${ACCENT}}`);
    expect(page).toContain(`<div class="brand"><div><img src="${corridor.url}${body.settings.logo?.path}" alt=""`);
    expect(page).toContain(`<p>${WELCOME}</p>`);
    const favicon = /<link rel="icon" type="image\/png" sizes="64x64" href="([^"]+)">/.exec(page)?.[1] ?? '';
    const icon = await sharp(await bytesOf(favicon)).metadata();
    expect([icon.format, icon.width, icon.height]).toEqual(['png', 64, 64]);
  });

  it('re-renders post pages made before the change, with the accent, the logo and the favicon', async () => {
    const page = await text(earlier.url ?? '');
    expect(page).toContain(`--accent:${ACCENT}`);
    expect(page).toContain('<div class="brand"><div><img src=');
    expect(page).not.toContain(WELCOME);
    expect(page).toMatch(/<link rel="icon" type="image\/png" sizes="64x64" href="[^"]+\.png">/);
  });

  it('gives the widget the accent in the feed’s _corridor.look, and the iframe page the accent', async () => {
    const feed = (await (await corridor.fetch('/embed/demo/feed.json')).json()) as {
      _corridor: { look: Record<string, unknown> };
    };
    expect(feed._corridor.look).toMatchObject({
      accent: ACCENT,
      welcome: WELCOME,
      logo: { url: expect.stringMatching(/\.jpg$/) },
    });
    const iframe = await text(`${corridor.url}/embed/demo`);
    expect(iframe).toContain(`--accent:${ACCENT}`);
    expect(iframe).not.toContain('class="brand"');
  });

  it('draws the podcast artwork again from the logo and the name, on the accent', async () => {
    const now = await artworkUrl();
    expect(now).not.toBe(artworkBefore);
    const { data, info } = await sharp(await bytesOf(now))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([1400, 1400]);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    const near = (got: number[], want: number[]) => got.every((v, i) => Math.abs(v - (want[i] ?? 0)) <= 6);
    // The corner is the accent; the logo's white tile sits in the upper middle, with the logo on it.
    expect(near(pixel(20, 20), [0x7a, 0x1f, 0x5c]), String(pixel(20, 20))).toBe(true);
    expect(near(pixel(330, 180), [255, 255, 255]), String(pixel(330, 180))).toBe(true);
    const logoRegion = await sharp(await bytesOf(now))
      .extract({ left: 400, top: 250, width: 600, height: 400 })
      .stats();
    // A photo, not a flat fill: the logo's pixels vary (a flat tile or background would not).
    expect(Math.min(...logoRegion.channels.map((c) => c.stdev))).toBeGreaterThan(20);
  });

  it('signs e-mails with the school’s name and colours their header with the accent', async () => {
    const before = (await sentEmails(corridor, PARENT)).length;
    await corridor.post({ audience: 'class:year-1', caption: 'Year 1: swimming on Thursday' });
    const mails = (await sentEmails(corridor, PARENT)).slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.from).toBe('"Demo Primary School" <no-reply@corridor.localhost>');
    expect(mails[0]?.body.html).toContain(`background:${ACCENT};color:#ffffff`);
    expect(mails[0]?.body.html).toContain('<bdi>Demo Primary School</bdi></div>');
  });

  it('recovers from a crash between saving the look and rendering it: the admin saves again', async () => {
    crashAt = 'look:after-save';
    const crashed = await corridor.api<{ error: { message: string } }>('PATCH', '/api/settings', { welcome: 'Crash test' });
    expect(crashed.status).toBe(500);
    expect(crashed.body.error.message).toBe('Something went wrong on our side. Please try again.');
    // Saved, not yet shown: the page still has the welcome line from before.
    expect(await text(`${corridor.url}/s/demo`)).toContain(`<p>${WELCOME}</p>`);
    const again = await corridor.api<{ settings: Settings }>('PATCH', '/api/settings', { welcome: WELCOME });
    expect(again.status).toBe(200);
    expect(await text(`${corridor.url}/s/demo`)).toContain(`<p>${WELCOME}</p>`);
    // A logo sent again after a crash: the same picture, the same files, shown everywhere.
    const { body } = await corridor.api<{ settings: Settings }>('GET', '/api/settings');
    crashAt = 'look:after-save';
    const picture = await readFile(corpusPath('photo_iphone5_gps_orient3.jpg'));
    expect((await putLogo(picture)).status).toBe(500);
    const resent = await putLogo(picture);
    expect(resent.status).toBe(200);
    expect(resent.body.settings.logo?.path).toBe(body.settings.logo?.path);
    expect((await fetch(`${corridor.url}${resent.body.settings.logo?.path}`)).status).toBe(200);
  });

  it('leaves the site what a rebuild from the table makes, byte for byte', async () => {
    const artifacts = await readSiteArtifacts(corridor.local.deps);
    const rebuilt = new Map(renderSite(await readSiteState(corridor.local.deps)).map((a) => [a.key, a]));
    expect(artifacts.map((a) => a.key).sort()).toEqual([...rebuilt.keys()].sort());
    for (const artifact of artifacts) expect(artifact, artifact.key).toEqual(rebuilt.get(artifact.key));
  });

  it('falls back to the name-drawn favicon and no band once the logo is removed, and deletes its files', async () => {
    const pageBefore = await text(`${corridor.url}/s/demo`);
    const logoUrl = /<div class="brand"><div><img src="([^"]+)"/.exec(pageBefore)?.[1] ?? '';
    expect((await fetch(logoUrl)).status).toBe(200);
    const faviconBefore = /<link rel="icon"[^>]+href="([^"]+)">/.exec(pageBefore)?.[1];
    const response = await corridor.fetch('/api/settings/logo', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${corridor.token}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { settings: Settings }).settings.logo).toBeNull();
    const page = await text(`${corridor.url}/s/demo`);
    expect(page).not.toContain('<img src="" alt=""');
    expect(page).toContain(`<div class="brand"><div><p>${WELCOME}</p></div></div>`);
    expect((await fetch(logoUrl)).status).toBe(404);
    const favicon = /<link rel="icon"[^>]+href="([^"]+)">/.exec(page)?.[1];
    expect(favicon).toBeTruthy();
    expect(favicon).not.toBe(faviconBefore);
    const removed = await corridor.api<{ settings: Settings }>('PATCH', '/api/settings', { accent: null, welcome: null });
    expect(removed.body.settings).toMatchObject({ accent: null, welcome: null });
    const plain = await text(`${corridor.url}/s/demo`);
    expect(plain).not.toContain('class="brand"');
    expect(plain).not.toContain('--brand:');
  });

  it('is set from the CLI too: corridor school look, with --help and refusals in words', async () => {
    const help = await cli(['school', 'look', '--help']);
    expect(help.stdout).toContain('Usage: corridor school look');
    const light = await cli(['school', 'look', '--accent', '#ffcc00']);
    expect(light.code).toBe(1);
    expect(light.stderr).toContain('#ffcc00 is too light to read: its contrast with white is 1.5:1');
    const set = await cli([
      'school',
      'look',
      '--logo',
      corpusPath('png_exif_gps_1x1.png'),
      '--accent',
      '#0B6E4F',
      '--welcome',
      'Hello from the CLI',
    ]);
    expect(set.stderr).toContain('Saved the logo.');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('accent   #0b6e4f');
    expect(set.stdout).toContain('welcome  Hello from the CLI');
    const logo = /logo {5}(\S+)/.exec(set.stdout)?.[1] ?? '';
    const file = join(tmpdir(), `corridor-cli-logo-${process.pid}.jpg`);
    await writeFile(file, await bytesOf(logo));
    expect(await metadataLeaks([file])).toEqual([]);
    expect(await text(`${corridor.url}/s/demo`)).toContain('<p>Hello from the CLI</p>');
  });

  // Last: the server answers 413 before reading the body and closes the connection, which the client's
  // pooled socket learns only on its next request.
  it('refuses, in words, a logo over 4 MB', async () => {
    const huge = await putLogo(Buffer.alloc(4 * 1024 * 1024 + 1, 0xff));
    expect(huge.status).toBe(413);
    expect(huge.body.error?.message).toBe('A logo can be at most 4.0 MB. Please choose a smaller picture.');
  });
});
