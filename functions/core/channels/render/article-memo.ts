import type { Locale } from '../../i18n/locales';
import type { CaptionTranslation } from '../../translate/post-translations';
import type { FeedEntry } from '../entry';
import type { ChannelView } from '../view';

/**
 * Post articles already rendered, by everything that goes into one. A publish renders the same posts many
 * times over: in the school page, the families' page and each class page, in twelve languages each, and
 * again at the next publish — while one post, the new one, is new. An article is a pure function of the
 * key's parts (`renderChannelPage` passes nothing else), so a kept one has the bytes a new render would.
 * Bounded: the least recently used go first (about 1.5 kB each, so at most ~6 MB).
 */
const MAX_ARTICLES = 4000;
const articles = new Map<string, string>();

/** An entry's JSON, made once per entry object for the twelve languages of a document. */
const entryJson = new WeakMap<FeedEntry, string>();

export interface ArticleInputs {
  view: Pick<ChannelView, 'publicUrl' | 'timezone' | 'self'>;
  entry: FeedEntry;
  translation: CaptionTranslation | undefined;
  eager: boolean;
  locale: Locale;
}

export function memoArticle(inputs: ArticleInputs, render: () => string): string {
  const { view, entry, translation, eager, locale } = inputs;
  let json = entryJson.get(entry);
  if (json === undefined) {
    json = JSON.stringify(entry);
    entryJson.set(entry, json);
  }
  // The channel's own address matters only to a post without a page of its own (entryLink): public posts'
  // articles are the same in every channel that shows them.
  const here = entry.url ? '' : view.self.pageUrl;
  const key = JSON.stringify([locale, eager, view.publicUrl, view.timezone, here, translation ?? null]) + json;
  const kept = articles.get(key);
  if (kept !== undefined) {
    articles.delete(key);
    articles.set(key, kept); // most recently used last
    return kept;
  }
  const made = render();
  articles.set(key, made);
  if (articles.size > MAX_ARTICLES) articles.delete(articles.keys().next().value as string);
  return made;
}
