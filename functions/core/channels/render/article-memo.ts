import type { Locale } from '../../i18n/locales';
import type { CaptionTranslation } from '../../translate/post-translations';
import type { FeedEntry } from '../entry';
import type { ChannelView } from '../view';

/**
 * Post articles already rendered, by everything that goes into one. A publish renders the same posts many
 * times over: in the school page, the families' page and each class page, in twelve languages each, and
 * again at the next publish — while one post, the new one, is new. An article is a pure function of the
 * key's parts (`renderChannelPage` passes nothing else), so a kept one has the bytes a new render would.
 * Bounded: the least recently used post goes first (with its languages; about 1.5 kB an article).
 */
const MAX_POSTS = 400;
/** By the post's JSON and the channel's facts an article reads, then by language, `eager` and translation. */
const articles = new Map<string, Map<string, string>>();

/** The outer key, made once per entry object for the twelve languages of a document (its JSON is the long part). */
const postKeys = new WeakMap<FeedEntry, string>();

export interface ArticleInputs {
  view: Pick<ChannelView, 'publicUrl' | 'timezone' | 'self'>;
  entry: FeedEntry;
  translation: CaptionTranslation | undefined;
  eager: boolean;
  locale: Locale;
}

export function memoArticle(inputs: ArticleInputs, render: () => string): string {
  const { view, entry, translation, eager, locale } = inputs;
  // The channel's own address matters only to a post without a page of its own (entryLink): public posts'
  // articles are the same in every channel that shows them.
  const facts = JSON.stringify([view.publicUrl, view.timezone, entry.url ? '' : view.self.pageUrl]);
  let postKey = postKeys.get(entry);
  if (postKey === undefined || !postKey.startsWith(facts)) {
    postKey = facts + JSON.stringify(entry);
    postKeys.set(entry, postKey);
  }
  let post = articles.get(postKey);
  if (post) {
    articles.delete(postKey);
    articles.set(postKey, post); // most recently used last
  } else {
    post = new Map();
    articles.set(postKey, post);
    if (articles.size > MAX_POSTS) articles.delete(articles.keys().next().value as string);
  }
  const key = JSON.stringify([locale, eager, translation ?? null]);
  let article = post.get(key);
  if (article === undefined) {
    article = render();
    post.set(key, article);
  }
  return article;
}
