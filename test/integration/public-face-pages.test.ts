import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import type { EntryMedia } from '../../functions/core/channels/entry';
import { imageSizes, pictureHtml, sourceTypes } from '../../functions/core/channels/render/media-html';
import { formatDateTime } from '../../functions/core/i18n/messages';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * Issue 18's pages and issue 21's public chrome, read over HTTP from a real embedded Corridor: the
 * gallery that opens large on the post page, one heading per post, "Get updates" in words, the private
 * notice, dates in one form in the school's time zone, meta descriptions, compression, pictures sized
 * for the layout, and every page in each language at its own URL, chosen in front of the cache.
 */
let corridor: TestCorridor;
let gallery: PostView;
let titled: PostView;
let video: PostView;
let classPageUrl: string;
const CLASS_NEWS = 'Year 1 families: trip on Friday';

beforeAll(async () => {
  corridor = await startTestCorridor();
  gallery = await corridor.post({
    audience: 'public',
    caption: 'Year 2 at the Natural History Museum #trips',
    files: [
      { path: corpusPath('orient_landscape_6.jpg'), alt: 'A dinosaur skeleton in a great hall' },
      { path: corpusPath('orient_portrait_8.jpg'), alt: 'Children sketching fossils' },
    ],
  });
  titled = await corridor.post({ audience: 'public', caption: 'Harvest festival\nThank you for the tins and packets.' });
  video = await corridor.post({
    audience: 'public',
    caption: 'Sports day relay',
    files: [{ path: corpusPath('video_android6_h264_gps.mp4'), contentType: 'video/mp4', alt: 'The relay race' }],
  });
  await corridor.post({ audience: 'class:year-1', caption: CLASS_NEWS });
  for (const post of [gallery, titled, video]) expect(post.state).toBe('published');
  const { body } = await corridor.api<{ channels: { id: string; pageUrl: string }[] }>('GET', '/api/schools/me/channels');
  classPageUrl = body.channels.find((c) => c.id === 'class:demo:year-1')?.pageUrl ?? '';
}, 300_000);

afterAll(() => corridor?.stop());

/** A page as a browser asking for English (or whatever the headers say) gets it, after any redirect. */
const page = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url.startsWith('http') ? url : `${corridor.url}${url}`, { headers });
  expect(response.status, url).toBe(200);
  return response.text();
};
const all = (markup: string, pattern: RegExp) => [...markup.matchAll(pattern)].map((m) => m[1] ?? m[0]);
const articleOf = (markup: string, postId: string) =>
  markup.slice(markup.indexOf(`id="post-${postId}"`), markup.indexOf('</article>', markup.indexOf(`id="post-${postId}"`)));

describe('the school page', () => {
  it('gives each post one heading: the title the poster wrote, else when it was posted (never the caption again)', async () => {
    const school = await page('/s/demo');
    expect(all(school, /<article /g)).toHaveLength(3);
    for (const post of [gallery, titled, video]) expect(all(articleOf(school, post.id), /<h2>/g), post.caption).toHaveLength(1);
    const withTitle = articleOf(school, titled.id);
    expect(withTitle).toContain(`<h2><a href="${titled.url}">Harvest festival</a></h2>`);
    expect(withTitle).toContain('Thank you for the tins and packets.');
    expect(withTitle.split('Harvest festival')).toHaveLength(2);
    const date = formatDateTime('en-GB', gallery.publishedAt ?? '', 'Europe/London');
    expect(articleOf(school, gallery.id)).toContain(
      `<h2><a href="${gallery.url}">Post from <time datetime="${gallery.publishedAt}">${date}</time></a></h2>`,
    );
  });

  it('shows a multi-photo post as a two-column gallery whose thumbnails open each photo large on the post page', async () => {
    const school = await page('/s/demo');
    const article = articleOf(school, gallery.id);
    expect(all(article, /<a href="([^"]+#m\d)">/g)).toEqual([`${gallery.url}#m1`, `${gallery.url}#m2`]);
    // Two columns: the thumbnails ask for half the content width, not the full screen.
    expect(all(article, / sizes="([^"]+)"/g).every((sizes) => sizes === imageSizes.half)).toBe(true);
    const post = await page(gallery.url ?? '');
    expect(all(post, /<li id="(m\d)">/g)).toEqual(['m1', 'm2']);
    expect(all(post.slice(post.indexOf('<main>')), / sizes="([^"]+)"/g).every((sizes) => sizes === imageSizes.full)).toBe(true);
  });

  it('says how to get updates in plain words instead of "RSS · JSON", with the class teacher for parents', async () => {
    const school = await page('/s/demo');
    expect(school).not.toMatch(/RSS feed|JSON feed/);
    const updates = school.slice(school.indexOf('<section class="updates"'), school.indexOf('</section>'));
    expect(updates).toContain('<h2 id="get-updates">Get updates</h2>');
    expect(updates).toContain('ask your child’s class teacher for the join link');
    expect(updates).toContain(`<a href="${corridor.url}/s/demo/rss.xml">Address for a podcast app</a>`);
    expect(updates).toContain('Address for a news reader');
  });

  it('has a meta description, and writes one date form in the school’s time zone on every page and the widget page', async () => {
    expect(await page('/s/demo')).toMatch(/<meta name="description" content="[^"]+">/);
    const post = await page(titled.url ?? '');
    expect(post).toContain('<meta name="description" content="Harvest festival Thank you for the tins and packets.">');
    const date = formatDateTime('en-GB', titled.publishedAt ?? '', 'Europe/London');
    expect(date).toMatch(/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2}$/);
    for (const [path, markup] of [
      ['school page', await page('/s/demo')],
      ['post page', post],
      ['widget page', await page('/embed/demo')],
    ])
      expect(markup, path).toContain(`>${date}<`);
  });

  it('puts a poster on every video, and offers each image format of the variants before the JPEG', async () => {
    const post = await page(video.url ?? '');
    expect(post).toMatch(/<video [^>]*poster="[^"]+\/media\/[^"]+\.jpg"/);
    const school = await page('/s/demo');
    const picture = school.slice(school.indexOf('<picture>'), school.indexOf('</picture>'));
    // Phone photos carry AVIF (smaller than their WebP) up to 1,280 px, and WebP at every width.
    expect(all(picture, /<source type="([^"]+)"/g)).toEqual(['image/avif', 'image/webp']);
  });
});

describe('pictures from the variant list', () => {
  const variant = (contentType: string, width: number) => ({
    role: 'image' as const,
    url: `https://x/media/p/${width}.${contentType.split('/')[1]}`,
    contentType,
    bytes: 1,
    width,
  });
  const media: EntryMedia = {
    kind: 'image',
    alt: 'A tree',
    width: 2048,
    height: 1536,
    outputs: ['image/jpeg', 'image/webp', 'image/avif'].flatMap((type) => [variant(type, 640), variant(type, 2048)]),
  };

  it('offers AVIF first, then WebP, then the JPEG <img>, each with every width it has', () => {
    expect(sourceTypes(media)).toEqual(['image/avif', 'image/webp']);
    const markup = pictureHtml(media, { size: 'half' }).value;
    expect(all(markup, /<source type="([^"]+)"/g)).toEqual(['image/avif', 'image/webp']);
    expect(markup).toContain('srcset="https://x/media/p/640.avif 640w, https://x/media/p/2048.avif 2048w"');
    expect(markup).toMatch(/<img src="https:\/\/x\/media\/p\/2048\.jpeg" srcset="[^"]*640\.jpeg 640w/);
    expect(all(markup, / sizes="([^"]+)"/g)).toEqual([imageSizes.half, imageSizes.half, imageSizes.half]);
  });

  it('has no <source> for a format the variants do not carry', () => {
    const jpegOnly = { ...media, outputs: media.outputs.filter((o) => o.contentType === 'image/jpeg') };
    expect(sourceTypes(jpegOnly)).toEqual([]);
    expect(pictureHtml(jpegOnly).value).not.toContain('<source');
  });
});

describe('the private class page', () => {
  it('says it is private and not to share it, is never indexed, and does not send parents to the teacher', async () => {
    expect(classPageUrl).toMatch(/\/c\/[\w-]+$/);
    const markup = await page(classPageUrl);
    expect(markup).toContain(CLASS_NEWS);
    expect(markup).toMatch(/<p class="notice" role="note">Private page for the families of Year 1[^<]*Please do not share it/);
    expect(markup).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(markup).not.toContain('<link rel="alternate" hreflang=');
    expect(markup).not.toContain('class teacher');
    const polish = await page(`${classPageUrl}/pl`);
    expect(polish).toContain('Strona prywatna dla rodzin');
  });
});

describe('in the reader’s language, one URL per language', () => {
  it('sends a browser asking for Polish from the plain address to the Polish one, which a cache keeps as its own object', async () => {
    const redirect = await corridor.fetch('/s/demo', {
      headers: { 'accept-language': 'pl-PL,pl;q=0.9,en;q=0.5' },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/s/demo/pl');
    expect(redirect.headers.get('cache-control')).toBe('private, no-store');
    expect(redirect.headers.get('vary')).toContain('Accept-Language');
    const polish = await corridor.fetch('/s/demo/pl', { headers: { 'accept-language': 'ur' } });
    expect(polish.status).toBe(200);
    expect(polish.headers.get('cache-control')).toBe('public, max-age=60');
    const markup = await polish.text();
    expect(markup).toContain('<html lang="pl" dir="ltr">');
    expect(markup).toContain('<h2 id="get-updates">Otrzymuj nowości</h2>');
    // The staff's English stays marked as English inside the Polish page.
    expect(markup).toContain('<span lang="en-GB" dir="auto">Harvest festival</span>');
    expect(markup).toMatch(/<p class="caption" lang="en-GB" dir="auto">Thank you/);
    expect(markup).toContain(formatDateTime('pl', titled.publishedAt ?? '', 'Europe/London'));
    // Links stay in Polish: the post pages, the language switcher names each language in itself.
    expect(markup).toContain(`<a href="${titled.url}/pl">`);
    expect(markup).toContain(`<a href="${corridor.url}/s/demo/ur?lang=ur" hreflang="ur" lang="ur" dir="rtl">اردو</a>`);
    expect(markup).toContain('<link rel="alternate" hreflang="cy" href="');
  });

  it('lays Urdu out right to left, post pages and the widget page too', async () => {
    for (const path of ['/s/demo/ur', `/p/${gallery.id}/ur`, '/embed/demo/ur']) {
      const markup = await page(path);
      expect(markup, path).toContain('<html lang="ur" dir="rtl">');
    }
    expect(await page(`/p/${gallery.id}/ur`)).toContain('→ Demo Primary School');
  });

  it('remembers a language picked on the switcher (?lang=) in a cookie, and English is one link away again', async () => {
    const picked = await corridor.fetch('/s/demo/pl?lang=cy', { redirect: 'manual' });
    expect(picked.status).toBe(302);
    expect(picked.headers.get('location')).toBe('/s/demo/cy');
    const cookie = picked.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^corridor_lang=cy; Path=\/; Max-Age=\d+; SameSite=Lax$/);
    const plain = await corridor.fetch(`/p/${titled.id}`, {
      headers: { cookie: 'corridor_lang=cy', 'accept-language': 'pl' },
      redirect: 'manual',
    });
    expect(plain.headers.get('location')).toBe(`/p/${titled.id}/cy`);
    const english = await corridor.fetch('/s/demo/cy?lang=en-GB', { redirect: 'manual' });
    expect(english.headers.get('location')).toBe('/s/demo');
    expect(english.headers.get('set-cookie')).toMatch(/^corridor_lang=en-GB;/);
    const stays = await corridor.fetch('/s/demo', {
      headers: { cookie: 'corridor_lang=en-GB', 'accept-language': 'pl' },
      redirect: 'manual',
    });
    expect(stays.status).toBe(200);
    // A browser following the redirect lands on the page in Welsh.
    expect(await (await corridor.fetch('/s/demo', { headers: { cookie: 'corridor_lang=cy' } })).text()).toContain(
      '<html lang="cy"',
    );
  });
});

describe('compression on the embedded default', () => {
  it('sends pages and feeds Brotli- or gzip-compressed as the browser accepts, the same bytes once unpacked', async () => {
    const identity = Buffer.from(
      await (await corridor.fetch('/s/demo', { headers: { 'accept-encoding': 'identity' } })).arrayBuffer(),
    );
    for (const [encoding, unpack] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const response = await new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>(
        (resolve, reject) => {
          // node:http, which leaves the body as it came (fetch would unpack it).
          import('node:http').then(({ get }) =>
            get(`${corridor.url}/s/demo`, { headers: { 'accept-encoding': encoding } }, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
            }).on('error', reject),
          );
        },
      );
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers.vary).toContain('Accept-Encoding');
      expect(response.body.length).toBeLessThan(identity.length / 2);
      expect(unpack(response.body).equals(identity)).toBe(true);
    }
    const feed = await corridor.fetch('/s/demo/feed.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(feed.headers.get('content-encoding')).toBe('gzip');
    const range = await corridor.fetch('/s/demo/rss.xml', { headers: { 'accept-encoding': 'br', range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-encoding')).toBeNull();
  });
});

describe('retract', () => {
  it('removes the post page in every language', async () => {
    const post = await corridor.post({ audience: 'public', caption: 'Wrong photo, sorry' });
    expect((await corridor.fetch(`/p/${post.id}/ta`)).status).toBe(200);
    const { status } = await corridor.api('DELETE', `/api/posts/${post.id}`);
    expect(status).toBeLessThan(300);
    await corridor.local.idle();
    for (const suffix of ['', '/ta', '/ur', '/cy'])
      expect((await corridor.fetch(`/p/${post.id}${suffix}`)).status, suffix).toBe(404);
  });
});
