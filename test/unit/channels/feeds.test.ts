import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import type { FeedEntry } from '../../../functions/core/channels/entry';
import { podcastGuid } from '../../../functions/core/channels/podcast-guid';
import { renderJsonFeed } from '../../../functions/core/channels/render/json-feed';
import { podcastMimeType, renderRss } from '../../../functions/core/channels/render/rss';
import type { ChannelView } from '../../../functions/core/channels/view';
import { jsonFeedProblems } from '../../helpers/feed-judges';

/**
 * The feed renderers on their own (pure: a channel view and entries in, a document out), judged by real
 * parsers — rss-parser (xml2js) for RSS, JSON.parse and the JSON Feed 1.1 checks for JSON Feed — not by
 * string matching. The integration tests run them against the W3C validator and feedparser.
 */
const base = 'https://corridor.example';
const links = (prefix: string) => ({
  pageUrl: `${base}/s/${prefix}`,
  jsonFeedUrl: `${base}/s/${prefix}/feed.json`,
  rssUrl: `${base}/s/${prefix}/feed.xml`,
});

const view = (over: Partial<ChannelView> = {}): ChannelView => ({
  publicUrl: base,
  title: 'Hillside Primary',
  description: 'News from Hillside & friends',
  timezone: 'Europe/London',
  private: false,
  publisher: { name: 'Hillside Primary', url: `${base}/s/hillside`, email: 'office@hillside.example' },
  self: links('hillside'),
  current: links('hillside'),
  isArchive: false,
  updatedAt: '2026-03-02T09:00:00.000Z',
  ...over,
});

const photo: FeedEntry['media'][number] = {
  kind: 'image',
  alt: 'Pupils planting <bulbs>',
  width: 1600,
  height: 1200,
  outputs: [
    { role: 'image', url: `${base}/m/p1/640.jpg`, contentType: 'image/jpeg', bytes: 40_000, width: 640, height: 480 },
    { role: 'image', url: `${base}/m/p1/1600.jpg`, contentType: 'image/jpeg', bytes: 210_000, width: 1600, height: 1200 },
    { role: 'image', url: `${base}/m/p1/1600.webp`, contentType: 'image/webp', bytes: 150_000, width: 1600, height: 1200 },
  ],
};

const recording: FeedEntry['media'][number] = {
  kind: 'audio',
  alt: 'Year 2 singing',
  durationSeconds: 61.6,
  outputs: [
    { role: 'audio', url: `${base}/m/a1/audio.m4a`, contentType: 'audio/mp4', bytes: 900_000 },
    { role: 'captions', url: `${base}/m/a1/captions.vtt`, contentType: 'text/vtt', bytes: 800 },
  ],
};

const entry = (over: Partial<FeedEntry> = {}): FeedEntry => ({
  postId: 'p1',
  schoolId: 'hillside',
  caption: 'Spring planting <3 & more\nSee you on Friday',
  publishedAt: '2026-03-01T10:30:00.000Z',
  updatedAt: '2026-03-01T10:30:00.000Z',
  url: `${base}/p/p1`,
  tags: ['spring'],
  media: [photo],
  ...over,
});

type Item = {
  title: string;
  link: string;
  guid: string;
  content: string;
  categories: string[];
  enclosure?: { url: string; length: string; type: string };
  mediaContent?: { $: Record<string, string> }[];
  itunesDuration?: string;
};
const parser = new Parser<{ 'podcast:guid': string; 'itunes:block'?: string }, Item>({
  customFields: {
    feed: ['podcast:guid', 'itunes:block'],
    item: [
      ['media:content', 'mediaContent', { keepArray: true }],
      ['itunes:duration', 'itunesDuration'],
    ],
  },
});

describe('RSS (channels/render/rss.ts)', () => {
  it('is RSS 2.0 a parser reads: channel, items with a stable guid, the caption as escaped text', async () => {
    const feed = await parser.parseString(renderRss(view(), [entry()]));
    expect(feed.title).toBe('Hillside Primary');
    expect(feed.description).toBe('News from Hillside & friends');
    expect(feed.link).toBe(`${base}/s/hillside`);
    const [item] = feed.items;
    expect(item?.title).toBe('Spring planting <3 & more');
    expect(item?.link).toBe(`${base}/p/p1`);
    expect(item?.guid).toBe(`${base}/p/p1`);
    // RSS readers treat <description> as HTML: the text arrives escaped once more, so "<3" opens no tag.
    expect(item?.content).toBe('Spring planting &lt;3 &amp; more\nSee you on Friday');
    expect(item?.categories).toEqual(['spring']);
  });

  it('gives a post without a page of its own an urn guid and a link to its place on the channel page', async () => {
    const feed = await parser.parseString(renderRss(view(), [entry({ url: undefined })]));
    expect(feed.items[0]?.guid).toBe('urn:corridor:post:p1');
    expect(feed.items[0]?.link).toBe(`${base}/s/hillside#post-p1`);
  });

  it('lists the largest JPEG of a photo as Media RSS, with its alt text', async () => {
    const feed = await parser.parseString(renderRss(view(), [entry()]));
    const media = feed.items[0]?.mediaContent ?? [];
    expect(media).toHaveLength(1);
    expect(media[0]?.$).toMatchObject({
      url: `${base}/m/p1/1600.jpg`,
      type: 'image/jpeg',
      medium: 'image',
      width: '1600',
      height: '1200',
      fileSize: '210000',
    });
    expect(feed.items[0]?.enclosure).toBeUndefined();
  });

  it('makes a recording a podcast episode: enclosure in the type apps expect, duration, captions', async () => {
    const xml = renderRss(view(), [entry({ media: [recording] })]);
    const feed = await parser.parseString(xml);
    const [item] = feed.items;
    expect(item?.enclosure).toEqual({ url: `${base}/m/a1/audio.m4a`, length: '900000', type: 'audio/x-m4a' });
    expect(item?.itunesDuration).toBe('62');
    expect(feed['podcast:guid']).toBe(podcastGuid(`${base}/s/hillside/feed.xml`));
    expect(xml).toContain(`<podcast:transcript url="${base}/m/a1/captions.vtt" type="text/vtt"`);
  });

  it('keeps private feeds out of podcast directories, and public ones listed', async () => {
    expect((await parser.parseString(renderRss(view({ private: true }), [entry()])))['itunes:block']).toBe('Yes');
    expect((await parser.parseString(renderRss(view(), [entry()])))['itunes:block']).toBeUndefined();
  });

  it('links an archive page to the current feed and the older archive (RFC 5005)', async () => {
    const older = links('hillside/archive/1');
    const xml = renderRss(view({ isArchive: true, self: links('hillside/archive/2'), prevArchive: older }), [entry()]);
    await expect(parser.parseString(xml)).resolves.toBeTruthy();
    expect(xml).toContain('<fh:archive/>');
    expect(xml).toContain(`<atom:link rel="current" href="${base}/s/hillside/feed.xml"`);
    expect(xml).toContain(`<atom:link rel="prev-archive" href="${older.rssUrl}"`);
  });

  it('stays well-formed whatever a caption or a name holds', async () => {
    const hostile = 'Tom & Jerry\'s "day" <script>alert(1)</script> ]]> \u00e9\u00e8';
    const xml = renderRss(view({ title: hostile, description: hostile }), [entry({ caption: hostile, tags: [hostile] })]);
    const feed = await parser.parseString(xml);
    expect(feed.title).toBe(hostile);
    expect(feed.items[0]?.categories).toEqual([hostile]);
    expect(xml).not.toContain('<script>');
  });

  it('names AAC recordings the way Apple documents, and leaves other types alone', () => {
    expect(podcastMimeType({ url: 'x/audio.m4a', contentType: 'audio/mp4' })).toBe('audio/x-m4a');
    expect(podcastMimeType({ url: 'x/video.mp4', contentType: 'video/mp4' })).toBe('video/mp4');
    expect(podcastMimeType({ url: 'x/audio.mp4', contentType: 'audio/mp4' })).toBe('audio/mp4');
  });
});

describe('JSON Feed (channels/render/json-feed.ts)', () => {
  const parse = (text: string) =>
    JSON.parse(text) as {
      items: { id: string; url: string; content_text: string; attachments: { url: string; mime_type: string }[] }[];
      next_url?: string;
      _corridor: { private?: boolean };
    };

  it('is valid JSON Feed 1.1, with the photo as an attachment of its largest JPEG', () => {
    const text = renderJsonFeed(view(), [entry()]);
    expect(jsonFeedProblems(JSON.parse(text))).toEqual([]);
    const feed = parse(text);
    expect(feed.items[0]?.content_text).toBe('Spring planting <3 & more\nSee you on Friday');
    expect(feed.items[0]?.attachments).toEqual([
      expect.objectContaining({ url: `${base}/m/p1/1600.jpg`, mime_type: 'image/jpeg' }),
    ]);
  });

  it('pages to the older archive with next_url, and marks a private feed', () => {
    const older = links('hillside/archive/1');
    const text = renderJsonFeed(view({ private: true, prevArchive: older }), [entry({ url: undefined })]);
    expect(jsonFeedProblems(JSON.parse(text))).toEqual([]);
    const feed = parse(text);
    expect(feed.next_url).toBe(older.jsonFeedUrl);
    expect(feed._corridor.private).toBe(true);
    expect(feed.items[0]?.id).toBe('urn:corridor:post:p1');
  });
});
