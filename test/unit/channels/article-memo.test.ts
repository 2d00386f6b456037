import { describe, expect, it } from 'vitest';
import type { FeedEntry } from '../../../functions/core/channels/entry';
import { type ArticleInputs, memoArticle } from '../../../functions/core/channels/render/article-memo';
import { renderChannelPage } from '../../../functions/core/channels/render/pages';
import type { ChannelView } from '../../../functions/core/channels/view';

/**
 * A kept article must be the one a new render would make: every input that reaches an article is in its
 * key, so changing any of them renders again, and asking again with equal inputs (even other objects)
 * renders nothing.
 */
const base = 'https://corridor.example';
const links = (prefix: string) => ({
  pageUrl: `${base}/${prefix}`,
  jsonFeedUrl: `${base}/${prefix}/feed.json`,
  rssUrl: `${base}/${prefix}/rss.xml`,
});
const view = (over: Partial<ChannelView> = {}): ChannelView => ({
  publicUrl: base,
  title: 'Hillside Primary',
  description: 'News from Hillside',
  timezone: 'Europe/London',
  private: false,
  publisher: { name: 'Hillside Primary', url: `${base}/s/hillside`, email: 'office@hillside.example' },
  self: links('s/hillside'),
  current: links('s/hillside'),
  isArchive: false,
  ...over,
});
const entry = (over: Partial<FeedEntry> = {}): FeedEntry => ({
  postId: `memo-${Math.random()}`,
  schoolId: 'hillside',
  caption: 'Spring planting #garden',
  publishedAt: '2026-03-01T10:30:00.000Z',
  updatedAt: '2026-03-01T10:30:00.000Z',
  tags: ['garden'],
  media: [],
  ...over,
});

describe('memoArticle', () => {
  it('renders again when any input changes, and never for equal inputs', () => {
    const first = entry({ url: `${base}/p/one` });
    const inputs: ArticleInputs = { view: view(), entry: first, translation: undefined, eager: false, locale: 'en-GB' };
    let renders = 0;
    const ask = (changed: Partial<ArticleInputs>) =>
      memoArticle({ ...inputs, ...changed }, () => {
        renders++;
        return `render ${renders}`;
      });
    expect(ask({})).toBe('render 1');
    expect(ask({ entry: { ...first } })).toBe('render 1');
    // A public post's article is the same in every channel: another channel's address is no new input.
    expect(ask({ view: view({ self: links('c/token') }) })).toBe('render 1');
    const changes: Partial<ArticleInputs>[] = [
      { entry: { ...first, caption: 'Spring planting, edited' } },
      { entry: { ...first, updatedAt: '2026-03-02T10:30:00.000Z' } },
      { translation: { caption: 'Sadzenie', alts: [], by: 'machine' } },
      { translation: { caption: 'Sadzenie', alts: [], by: 'school' } },
      { eager: true },
      { locale: 'pl' },
      { view: view({ timezone: 'Europe/Warsaw' }) },
      { view: view({ publicUrl: 'https://other.example' }) },
    ];
    for (const [i, change] of changes.entries()) expect(ask(change), JSON.stringify(change)).toBe(`render ${i + 2}`);
    expect(renders).toBe(changes.length + 1);
  });

  it("keys a post without a page of its own by the channel's address too", () => {
    const own = entry();
    let renders = 0;
    const render = () => `render ${++renders}`;
    const inputs = { entry: own, translation: undefined, eager: false, locale: 'en-GB' as const };
    memoArticle({ ...inputs, view: view({ self: links('c/one') }) }, render);
    memoArticle({ ...inputs, view: view({ self: links('c/two') }) }, render);
    expect(renders).toBe(2);
  });

  it('gives a channel page the same bytes the second time, from kept articles', () => {
    const entries = [entry({ url: `${base}/p/a`, postId: 'memo-a' }), entry({ postId: 'memo-b', caption: 'Families only' })];
    const first = renderChannelPage(view(), entries, 'cy');
    expect(renderChannelPage(view(), structuredClone(entries), 'cy')).toBe(first);
    expect(first).toContain('Families only');
    expect(
      renderChannelPage(view(), [{ ...entries[0], caption: 'Changed' } as FeedEntry, entries[1] as FeedEntry], 'cy'),
    ).toContain('Changed');
  });
});
