import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { jsonFeedProblems, parseWithFeedparser, walkArchives } from '../helpers/feed-judges';

/**
 * Issue 18, acceptance 2: RFC 5005 archived feeds (https://www.rfc-editor.org/rfc/rfc5005#section-4).
 * Pages hold two posts here, so a few posts make several archive documents. Walking `prev-archive` (RSS)
 * or `next_url` (JSON Feed) from the current document meets every public post exactly once; an archive
 * document's bytes do not change when later posts go out; a retract still removes a post from the
 * archive page holding it; and the school page's "Older posts" shows older posts.
 */
const PAGE_SIZE = 2;

let corridor: TestCorridor;
const published: PostView[] = [];

const publish = async (caption: string) => {
  const post = await corridor.post({ audience: 'public', caption });
  expect(post.state).toBe('published');
  published.push(post);
  return post;
};

/** Every document of the RSS chain, newest first, and the item guids of each. */
async function walkRss() {
  const documents = await walkArchives(
    `${corridor.url}/s/demo/rss.xml`,
    async (body) => (await parseWithFeedparser(body)).links.find((l) => l.rel === 'prev-archive')?.href,
  );
  return Promise.all(
    documents.map(async ({ url, body }) => {
      const feed = await parseWithFeedparser(body);
      expect(feed.bozo, feed.bozoException).toBe(false);
      return { url, body, ids: feed.entries.map((e) => e.id) };
    }),
  );
}

/** Every document of the JSON Feed chain (next_url), newest first, and the item ids of each. */
async function walkJson() {
  const documents = await walkArchives(
    `${corridor.url}/s/demo/feed.json`,
    (body) => (JSON.parse(body) as { next_url?: string }).next_url,
  );
  return documents.map(({ url, body }) => {
    const feed = JSON.parse(body) as { items: { id: string }[] };
    expect(jsonFeedProblems(feed), url).toEqual([]);
    return { url, body, ids: feed.items.map((i) => i.id) };
  });
}

const publicUrls = () => published.filter((p) => p.state === 'published').map((p) => p.url);

beforeAll(async () => {
  corridor = await startTestCorridor({ feedPageSize: PAGE_SIZE });
  for (let i = 1; i <= 7; i++) await publish(`Week ${i} in school`);
  // A families-only post takes a number in the private channels, never in the public one.
  await corridor.post({ audience: 'school', caption: 'Families only: INSET day' });
}, 120_000);

afterAll(() => corridor?.stop());

describe('walking the archive chain', () => {
  it('visits every public post exactly once through RSS prev-archive links, oldest page last', async () => {
    const documents = await walkRss();
    const ids = documents.flatMap((d) => d.ids);
    expect(ids.sort()).toEqual(publicUrls().sort());
    // 7 posts, 2 a page: pages 0–3, page 3 filling; the current document holds pages 2 and 3.
    expect(documents.map((d) => d.url.replace(corridor.url, ''))).toEqual([
      '/s/demo/rss.xml',
      '/s/demo/archive/1/rss.xml',
      '/s/demo/archive/0/rss.xml',
    ]);
    expect(documents[0]?.ids).toHaveLength(3);
    for (const archive of documents.slice(1)) {
      expect(archive.body).toContain('<fh:archive/>');
      expect(archive.body).toContain(`<atom:link rel="current" href="${corridor.url}/s/demo/rss.xml"`);
    }
    expect(documents[0]?.body).not.toContain('<fh:archive/>');
  });

  it('visits every public post exactly once through JSON Feed next_url, which never repeats items', async () => {
    const documents = await walkJson();
    expect(
      documents
        .flatMap((d) => d.ids)
        .slice()
        .sort(),
    ).toEqual(publicUrls().sort());
    for (const [i, document] of documents.entries()) {
      const older = documents[i + 1];
      if (older) expect(document.ids.filter((id) => older.ids.includes(id))).toEqual([]);
    }
  });

  it("links the school page's Older posts to a page of older posts", async () => {
    const schoolPage = await (await corridor.fetch('/s/demo')).text();
    const older = /<a href="([^"]+)" rel="prev">Older posts<\/a>/.exec(schoolPage)?.[1];
    expect(older).toBe(`${corridor.url}/s/demo/archive/1`);
    const olderPage = await (await fetch(older ?? '')).text();
    const onPage = (html: string) => [...html.matchAll(/<article id="post-([^"]+)"/g)].map((m) => m[1]);
    const current = onPage(schoolPage);
    const archived = onPage(olderPage);
    expect(archived.length).toBe(PAGE_SIZE);
    expect(archived.filter((id) => current.includes(id))).toEqual([]);
    // Older: every post on the archive page went out before every post on the school page.
    const order = published.map((p) => p.id);
    expect(Math.max(...archived.map((id) => order.indexOf(id ?? '')))).toBeLessThan(
      Math.min(...current.map((id) => order.indexOf(id ?? ''))),
    );
    expect(olderPage).toContain(`<a href="${corridor.url}/s/demo">Newest posts</a>`);
  });
});

describe('archive documents are stable', () => {
  it('keeps every archive document byte for byte while later posts go out', async () => {
    const archiveFiles = async () => {
      const urls = (await walkRss())
        .slice(1)
        .flatMap((d) => [d.url, d.url.replace(/rss\.xml$/, 'feed.json'), d.url.replace(/rss\.xml$/, '')]);
      return new Map(await Promise.all(urls.map(async (url) => [url, await (await fetch(url)).text()] as const)));
    };
    const before = await archiveFiles();
    expect(before.size).toBe(6);
    for (let i = 8; i <= 11; i++) await publish(`Week ${i} in school`);
    const after = await archiveFiles();
    // Later posts filled pages 3 and 4 and opened page 5: the chain now reaches pages 3 and 2 as well.
    expect(after.size).toBe(12);
    for (const [url, body] of before) expect(after.get(url), url).toBe(body);
    expect(
      (await walkRss())
        .flatMap((d) => d.ids)
        .slice()
        .sort(),
    ).toEqual(publicUrls().sort());
  });

  it('removes a retracted post from the archive page that holds it, and from every walk', async () => {
    const target = published[2];
    if (!target) throw new Error('no third post');
    const archivePage = `${corridor.url}/s/demo/archive/1/rss.xml`;
    expect(await (await fetch(archivePage)).text()).toContain(target.url ?? '-');
    const retracted = await corridor.api('DELETE', `/api/posts/${target.id}`);
    expect(retracted.status).toBeLessThan(300);
    await corridor.local.idle();
    target.state = 'retracted';
    expect(await (await fetch(archivePage)).text()).not.toContain(target.id);
    expect(
      (await walkRss())
        .flatMap((d) => d.ids)
        .slice()
        .sort(),
    ).toEqual(publicUrls().sort());
    expect(
      (await walkJson())
        .flatMap((d) => d.ids)
        .slice()
        .sort(),
    ).toEqual(publicUrls().sort());
  });
});
