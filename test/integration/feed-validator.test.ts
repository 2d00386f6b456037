import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../functions/core/auth/tokens';
import { corpusPath } from '../helpers/corpus';
import { settle, startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { w3cFeedValidator } from '../helpers/feed-judges';

/**
 * Issue 18, acceptance 1 (first half): the W3C Feed Validation Service — its own code, vendored in
 * test/vendor/w3c-feedvalidator and run by Debian's python3, at the online service's level and with the
 * served Content-Type — finds no error and no warning in any RSS document Corridor serves: the school's
 * current feed and its RFC 5005 archive pages, a hashtag feed, the trust's wall, the private feed for
 * families and every class's private feed (with a photo, a recording and a video in them).
 */
let corridor: TestCorridor;

beforeAll(async () => {
  corridor = await startTestCorridor({ feedPageSize: 2 });
  const { token: operator } = await createToken(corridor.local.deps, { role: 'operator', label: 'Trust IT' });
  expect((await corridor.api('POST', '/api/trusts', { id: 'north', name: 'North Schools Trust' }, operator)).status).toBe(201);
  expect((await corridor.api('PATCH', '/api/schools/demo', { trustId: 'north' }, operator)).status).toBe(200);
  expect((await corridor.api('PATCH', '/api/settings', { wallOptIn: true })).status).toBe(200);
  const photo = { path: corpusPath('photo_android_pixel_gps.jpg'), alt: 'A painting of a sunflower' };
  await corridor.post({ audience: 'public', caption: 'Our sunflower paintings #art', files: [photo] });
  await corridor.post({
    audience: 'public',
    caption: 'Maya reads “The Gruffalo” aloud',
    files: [{ path: corpusPath('audio_iphone_voice_memo.m4a'), alt: 'Maya reading' }],
  });
  await corridor.post({ audience: 'public', caption: 'Sports day & the egg-and-spoon race <3' });
  // Five public posts, two a page: page 0 is full and archived, the current document holds pages 1 and 2.
  await corridor.post({ audience: 'public', caption: 'Harvest festival: thank you for 212 tins' });
  await corridor.post({ audience: 'public', caption: "Year 6's trip to the Eden Project\nBack at 6 pm" });
  await corridor.post({
    audience: 'class:year-1',
    caption: 'Year 1 built a bug hotel',
    files: [{ path: corpusPath('video_android6_h264_gps.mp4'), alt: 'The bug hotel' }],
  });
  await corridor.post({ audience: 'school', caption: 'INSET day on Friday: school is closed' });
  await settle(corridor);
}, 240_000);
afterAll(() => corridor?.stop());

describe('the W3C feed validator', () => {
  it('finds nothing to say about the public feeds: current, archives, hashtag, trust wall', async () => {
    const urls = ['/s/demo/rss.xml', '/s/demo/archive/0/rss.xml', '/s/demo/t/art/rss.xml', '/w/north/rss.xml'].map(
      (path) => `${corridor.url}${path}`,
    );
    for (const url of urls) {
      expect((await fetch(url)).status, url).toBe(200);
      expect(await w3cFeedValidator(url), url).toEqual([]);
    }
  });

  it('finds nothing to say about the private feeds (families, every class)', async () => {
    const { body } = await corridor.api<{ channels: { id: string; rssUrl: string }[] }>('GET', '/api/schools/me/channels');
    expect(body.channels.length).toBeGreaterThan(2);
    for (const { id, rssUrl } of body.channels) expect(await w3cFeedValidator(rssUrl), id).toEqual([]);
  });

  it('does find the faults it is there to find (a feed without its title, a bad itunes:explicit)', async () => {
    const served = await (await fetch(`${corridor.url}/s/demo/rss.xml`)).text();
    const broken = served
      .replace(/<title>Demo Primary School<\/title>/, '')
      .replace('<itunes:explicit>false', '<itunes:explicit>maybe');
    const server = await import('node:http').then(({ createServer }) =>
      createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
        res.end(broken);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const events = await w3cFeedValidator(`http://127.0.0.1:${port}/rss.xml`);
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['MissingTitle', 'InvalidTrueFalse']));
      expect(events.filter((e) => e.level === 'error').length).toBeGreaterThanOrEqual(2);
    } finally {
      server.close();
    }
  });
});
