import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { jsonFeedProblems, parseWithFeedparser } from '../helpers/feed-judges';

const run = promisify(execFile);
const NASTY_CAPTION = '<script>alert(1)</script> "quotes" & émoji 🎨';

let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor();
});
afterAll(() => corridor?.stop());

interface JsonFeed {
  items: {
    id: string;
    content_text: string;
    attachments: { url: string; mime_type: string }[];
    _corridor: { media: { outputs: { url: string }[] }[] };
  }[];
}

it('serves a new school its page and feeds before its first post', async () => {
  const page = await corridor.fetch('/s/demo');
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('No posts yet.');
  const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
  expect(feed.items).toEqual([]);
  const rss = await parseWithFeedparser(await (await corridor.fetch('/s/demo/rss.xml')).text());
  expect(rss.bozo, rss.bozoException).toBe(false);
});

describe('one phone photo, from upload to every public channel', () => {
  let postUrl: string;
  let postId: string;

  beforeAll(async () => {
    const post = await corridor.post({
      audience: 'public',
      caption: NASTY_CAPTION,
      files: [{ path: corpusPath('photo_android_pixel_gps.jpg'), alt: 'A child’s painting of a tree' }],
    });
    expect(post.state).toBe('published');
    expect(post.live).toBe(true);
    postUrl = post.url ?? '';
    postId = post.id;
  });

  it('lists the post in feed.json with every field JSON Feed 1.1 requires', async () => {
    const response = await corridor.fetch('/s/demo/feed.json');
    expect(response.headers.get('content-type')).toContain('application/feed+json');
    expect(response.headers.get('cache-control')).toContain('max-age=');
    const feed = (await response.json()) as JsonFeed;
    expect(jsonFeedProblems(feed)).toEqual([]);
    const item = feed.items.find((i) => i.id === postUrl);
    expect(item?.content_text).toBe(NASTY_CAPTION);
    expect(item?.attachments[0]?.mime_type).toBe('image/jpeg');
  });

  it('serves rss.xml that python3-feedparser parses without a bozo flag, with media:content', async () => {
    const response = await corridor.fetch('/s/demo/rss.xml');
    expect(response.headers.get('content-type')).toContain('application/rss+xml');
    const feed = await parseWithFeedparser(await response.text());
    expect(feed.bozo, feed.bozoException).toBe(false);
    expect(feed.version).toBe('rss20');
    const entry = feed.entries.find((e) => e.id === postUrl);
    expect(entry?.title).toBe(NASTY_CAPTION);
    expect(entry?.media[0]?.type).toBe('image/jpeg');
  });

  it('shows the caption literally on the school page and the post page, which has Open Graph tags', async () => {
    const schoolPage = await (await corridor.fetch('/s/demo')).text();
    expect(schoolPage).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; émoji 🎨');
    expect(schoolPage).not.toContain('<script>alert(1)');
    const postPage = await (await corridor.fetch(`/p/${postId}`)).text();
    expect(postPage).toContain('<meta property="og:title"');
    expect(postPage).toMatch(/<meta property="og:image" content="http:\/\/127\.0\.0\.1:\d+\/media\/[\w-]+\/[\w-]+\.jpg">/);
    expect(postPage).toContain(`<meta property="og:url" content="${postUrl}">`);
    expect(postPage).not.toContain('<script>alert(1)');
  });

  it('answers a repeated request with 304 when the ETag matches', async () => {
    const first = await corridor.fetch('/s/demo/feed.json');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const second = await corridor.fetch('/s/demo/feed.json', { headers: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
  });

  it('serves every image of the feed without GPS or camera make/model (exiftool)', async () => {
    const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
    const urls = feed.items.flatMap((i) => i._corridor.media.flatMap((m) => m.outputs.map((o) => o.url)));
    expect(urls.length).toBeGreaterThanOrEqual(8);
    const files = await Promise.all(
      urls.map(async (url, i) => {
        const response = await fetch(url);
        expect(response.headers.get('cache-control')).toContain('immutable');
        const file = join(corridor.dataDir, `output-${i}${url.slice(url.lastIndexOf('.'))}`);
        await writeFile(file, Buffer.from(await response.arrayBuffer()));
        return file;
      }),
    );
    const { stdout } = await run('exiftool', ['-json', '-a', '-G1', ...files]);
    for (const tags of JSON.parse(stdout) as Record<string, unknown>[]) {
      const names = Object.keys(tags).join(' ');
      expect(names).not.toMatch(/GPS|Make|Model|SerialNumber|MakerNote/i);
    }
  });
});

describe('orientation', () => {
  it('turns the Samsung photo with EXIF orientation 6 upright (portrait)', async () => {
    const post = await corridor.post({
      audience: 'public',
      caption: 'sideways',
      files: [{ path: corpusPath('photo_android_samsung_j3_orient6.jpg') }],
    });
    expect(post.media[0]?.width).toBe(1932);
    expect(post.media[0]?.height).toBe(2576);
  });
});

describe('audiences', () => {
  it('keeps school and class posts out of every public output', async () => {
    const secretSchool = `school-only-${crypto.randomUUID()}`;
    const secretClass = `class-only-${crypto.randomUUID()}`;
    const school = await corridor.post({
      audience: 'school',
      caption: secretSchool,
      files: [{ path: corpusPath('orient_portrait_1.jpg') }],
    });
    const klass = await corridor.post({ audience: ['class:year-1'], caption: secretClass });
    expect(school.state).toBe('published');
    expect(klass.state).toBe('published');
    expect(school.url).toBeUndefined();
    for (const path of ['/s/demo', '/s/demo/feed.json', '/s/demo/rss.xml']) {
      const body = await (await corridor.fetch(path)).text();
      expect(body).not.toContain(secretSchool);
      expect(body).not.toContain(secretClass);
    }
    expect((await corridor.fetch(`/p/${school.id}`)).status).toBe(404);
    expect((await corridor.fetch(`/p/${klass.id}`)).status).toBe(404);
  });

  it('refuses a class the school does not have', async () => {
    const { status, body } = await corridor.api<{ error: { message: string } }>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'class:nope',
      caption: 'x',
    });
    expect(status).toBe(422);
    expect(body.error.message).toContain('unknown class');
  });
});

describe('idempotency', () => {
  it('creates one post for two requests with the same idempotency key', async () => {
    const idempotencyKey = crypto.randomUUID();
    const caption = `once-${idempotencyKey}`;
    const first = await corridor.post({
      audience: 'public',
      caption,
      idempotencyKey,
      files: [{ path: corpusPath('orient_landscape_1.jpg') }],
    });
    const second = await corridor.api<{ post: { id: string }; uploads: unknown[] }>('POST', '/api/posts', {
      idempotencyKey,
      audience: 'public',
      caption,
      media: [{ contentType: 'image/jpeg', bytes: 1 }],
    });
    expect(second.status).toBe(200);
    expect(second.body.post.id).toBe(first.id);
    expect(second.body.uploads).toEqual([]); // already uploaded: nothing more to send
    const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
    expect(feed.items.filter((item) => item.content_text === caption)).toHaveLength(1);
  });
});
