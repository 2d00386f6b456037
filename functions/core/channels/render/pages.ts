import type { Locale } from '../../i18n/locales';
import { formatDateTime, langAttributes, t, tHtml } from '../../i18n/messages';
import { html, raw } from '../../security/html';
import type { CaptionTranslation } from '../../translate/post-translations';
import { distinctTitle, entryTitle, type FeedEntry, largestOutput } from '../entry';
import { type EntryTranslations, NO_TRANSLATIONS } from '../entry-translations';
import type { ArtworkFile } from '../locate';
import { type ChannelView, entryLink } from '../view';
import { memoArticle } from './article-memo';
import { page } from './layout';
import { captionHtml, galleryHtml, publicTagHref } from './media-html';
import { type PageLook, publisherLook } from './page-look';
import {
  backArrow,
  getUpdates,
  languageAlternates,
  languageShortcut,
  languageSwitcher,
  localisedUrl,
  privateNotice,
  siteStyles,
} from './site-chrome';
import { type ShownEntry, shownIn, shownTagHref, translationNote } from './translated';

const timeHtml = (iso: string, locale: Locale, timezone: string) =>
  html`<time datetime="${iso}">${formatDateTime(locale, iso, timezone)}</time>`;

/**
 * A post's one heading and its text, so the heading never repeats the caption above it: a first line the
 * poster wrote as a heading (more lines follow) is the heading and the rest is the text; otherwise the
 * heading says when it was posted (the school page) or is the caption itself (the post page).
 */
function headingAndText(entry: FeedEntry) {
  const title = distinctTitle(entry);
  if (!title) return { title: undefined, text: entry.caption };
  const start = entry.caption.indexOf(title) + title.length;
  return { title, text: entry.caption.slice(start).replace(/^\s*\n/, '') };
}

/** What a page says about itself to search engines and link previews (one line, at most 160 characters). */
const metaDescription = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return html`<meta name="description" content="${line.length > 160 ? `${line.slice(0, 159)}…` : line}">`;
};

/** `lang` and `dir` of staff's text inside the page: none when it is in the page's language (a translation). */
const textLangAttributes = (shown: ShownEntry, locale: Locale) =>
  shown.textLocale === locale ? '' : html` lang="${shown.textLocale}" dir="auto"`;

const entryArticle = (view: ChannelView, shown: ShownEntry, eager: boolean, locale: Locale) => {
  const { entry, textLocale } = shown;
  const link = entryLink(view, entry);
  const { title, text } = headingAndText(entry);
  const href = entry.url ? localisedUrl(link.href, locale) : undefined;
  const when = timeHtml(entry.publishedAt, locale, view.timezone);
  const tagHref = publicTagHref(view.publicUrl, entry);
  const heading = title
    ? textLocale === locale
      ? title
      : html`<span${textLangAttributes(shown, locale)}>${title}</span>`
    : tHtml(locale, 'site.postFrom', { date: when });
  return html`<article id="post-${entry.postId}">
<h2>${href ? html`<a href="${href}">${heading}</a>` : heading}</h2>
${title ? when : ''}
${text ? captionHtml(text, shownTagHref(shown, tagHref), { locale, textLocale }) : ''}
${translationNote(shown, locale, tagHref)}
${galleryHtml(entry.media, { eager, locale, textLocale, largeViewUrl: href })}
</article>`;
};

/** A channel's page: the school page, a tag page, a regional wall, a family feed or an archive page. */
export function renderChannelPage(
  view: ChannelView,
  entries: FeedEntry[],
  locale: Locale = 'en-GB',
  translations: EntryTranslations = NO_TRANSLATIONS,
): string {
  const here = (url: string) => localisedUrl(url, locale);
  // The page's first photo is what a phone paints largest first: it loads at once, the rest lazily.
  const firstPictured = entries.findIndex((entry) => entry.media.some((m) => m.kind === 'image'));
  return page({
    title: view.title,
    ...langAttributes(locale),
    look: publisherLook(view.publisher, 'welcome'),
    head: html`${metaDescription(view.description || view.title)}
<link rel="alternate" type="application/rss+xml" title="${view.title}" href="${view.self.rssUrl}">
<link rel="alternate" type="application/feed+json" title="${view.title}" href="${view.self.jsonFeedUrl}">
${view.private ? html`<meta name="robots" content="noindex, nofollow">` : languageAlternates(view.self.pageUrl)}
<style>${raw(siteStyles)}</style>`,
    body: html`<header>${view.back ? html`<nav><a href="${here(view.back.url)}">${backArrow(locale)} ${view.back.label}</a></nav>` : ''}<h1>${view.title}</h1>
${languageShortcut(locale)}</header>
${view.private ? privateNotice(locale, view.title) : ''}
<main>
${
  entries.length === 0
    ? html`<p>${t(locale, 'site.noPosts')}</p>`
    : entries.map((entry, i) => {
        const translation = translations.get(entry.postId)?.[locale];
        const eager = i === firstPictured;
        return raw(
          memoArticle({ view, entry, translation, eager, locale }, () =>
            entryArticle(view, shownIn(entry, locale, translation), eager, locale).toString(),
          ),
        );
      })
}
</main>
${getUpdates(locale, view.self.rssUrl, { public: !view.private })}
<footer><nav aria-label="${t(locale, 'site.olderPosts')}">${[
      view.prevArchive
        ? html`<a href="${here(view.prevArchive.pageUrl)}" rel="prev">${t(locale, 'site.olderPosts')}</a>`
        : undefined,
      view.isArchive ? html`<a href="${here(view.current.pageUrl)}">${t(locale, 'site.newestPosts')}</a>` : undefined,
    ]
      .filter((link) => link !== undefined)
      .map((link, i) => (i === 0 ? link : html` · ${link}`))}</nav>
${languageSwitcher(view.self.pageUrl, locale)}
<p>${t(locale, 'site.postedWith')}</p></footer>`,
  });
}

/** What a post page's link preview shows: its picture, a video's poster, or the school's artwork. */
function previewImage(entry: FeedEntry, artwork: ArtworkFile | undefined) {
  for (const m of entry.media) {
    const image = largestOutput(m, m.kind === 'image' ? 'image' : 'poster', 'image/jpeg');
    if (image) return { ...image, alt: m.alt, large: true };
  }
  return artwork && { ...artwork, alt: '', large: false };
}

/** Open Graph (https://ogp.me) and Twitter card tags: every post has a title, type, image and URL. */
function openGraph(view: PostPageView, entry: FeedEntry, title: string) {
  const image = previewImage(entry, view.artwork);
  const video = entry.media.find((m) => m.kind === 'video');
  const videoFile = video && largestOutput(video, 'video');
  const audio = entry.media.find((m) => m.kind === 'audio');
  const audioFile = audio && largestOutput(audio, 'audio');
  const secure = (url: string) => (url.startsWith('https:') ? html`<meta property="og:video:secure_url" content="${url}">` : '');
  return html`<meta property="og:type" content="${videoFile ? 'video.other' : 'article'}">
<meta property="og:site_name" content="${view.schoolName}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${entry.caption.slice(0, 300)}">
<meta property="og:url" content="${entry.url}">
${
  image
    ? html`<meta property="og:image" content="${image.url}">
<meta property="og:image:type" content="${image.contentType}">
<meta property="og:image:width" content="${image.width}">
<meta property="og:image:height" content="${image.height}">
${image.alt ? html`<meta property="og:image:alt" content="${image.alt}">` : ''}`
    : ''
}
${
  videoFile
    ? html`<meta property="og:video" content="${videoFile.url}">
${secure(videoFile.url)}<meta property="og:video:type" content="${videoFile.contentType}">
<meta property="og:video:width" content="${videoFile.width}">
<meta property="og:video:height" content="${videoFile.height}">`
    : ''
}
${
  audioFile
    ? html`<meta property="og:audio" content="${audioFile.url}">
<meta property="og:audio:type" content="${audioFile.contentType}">`
    : ''
}
<meta name="twitter:card" content="${image?.large ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${title}">
${image ? html`<meta name="twitter:image" content="${image.url}">` : ''}
<meta property="article:published_time" content="${entry.publishedAt}">`;
}

export interface PostPageView {
  schoolName: string;
  schoolUrl: string;
  timezone: string;
  publicUrl: string;
  /** The school's artwork: the preview of posts without a picture (a recording, say). */
  artwork?: ArtworkFile;
  /** The school's look (accent, logo band, favicon). */
  look?: PageLook;
}

/** One public post's page, with Open Graph and Twitter card tags for link previews. It is the gallery's large view. */
export function renderPostPage(
  view: PostPageView,
  written: FeedEntry,
  locale: Locale = 'en-GB',
  translation?: CaptionTranslation,
): string {
  const shown = shownIn(written, locale, translation);
  const { entry, textLocale } = shown;
  const title = entryTitle(entry);
  const heading = headingAndText(entry);
  const pageUrl = entry.url ?? '';
  const staffLang = textLangAttributes(shown, locale);
  const when = timeHtml(entry.publishedAt, locale, view.timezone);
  const tagHref = publicTagHref(view.publicUrl, entry);
  return page({
    title: `${title} — ${view.schoolName}`,
    ...langAttributes(locale),
    look: view.look,
    head: html`${metaDescription(entry.caption || `${view.schoolName}: ${title}`)}
<link rel="canonical" href="${localisedUrl(pageUrl, locale)}">
${languageAlternates(pageUrl)}
<link rel="alternate" type="application/json+oembed" href="${view.publicUrl}/api/oembed?url=${encodeURIComponent(pageUrl)}&amp;format=json" title="${title}">
${openGraph(view, entry, title)}
<style>${raw(siteStyles)}</style>`,
    body: html`<header><nav><a href="${localisedUrl(view.schoolUrl, locale)}">${backArrow(locale)} ${view.schoolName}</a></nav>
${languageShortcut(locale)}</header>
<main><article>
${
  heading.title
    ? html`<h1${staffLang}>${heading.title}</h1>
${when}
${heading.text ? captionHtml(heading.text, shownTagHref(shown, tagHref), { locale, textLocale }) : ''}`
    : entry.caption.trim()
      ? html`${captionHtml(entry.caption, shownTagHref(shown, tagHref), { locale, textLocale, element: 'h1' })}
${when}`
      : html`<h1>${tHtml(locale, 'site.postFrom', { date: when })}</h1>`
}
${translationNote(shown, locale, tagHref)}
${galleryHtml(entry.media, { eager: true, locale, textLocale })}
</article></main>
${getUpdates(locale, `${view.schoolUrl}/rss.xml`, { public: true })}
<footer>${languageSwitcher(pageUrl, locale)}</footer>`,
  });
}
