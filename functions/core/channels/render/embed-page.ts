import type { Locale } from '../../i18n/locales';
import { formatDateTime, langAttributes, t, tHtml } from '../../i18n/messages';
import { html, raw } from '../../security/html';
import type { FeedEntry } from '../entry';
import { type EntryTranslations, NO_TRANSLATIONS } from '../entry-translations';
import { type ChannelView, entryLink } from '../view';
import { page } from './layout';
import { captionHtml, mediaHtml } from './media-html';
import { publisherLook } from './page-look';
import { localisedUrl } from './site-chrome';
import { shownIn, translationNote } from './translated';

/** The iframe is a narrow box on someone else's page: cards in a grid, each with its first item. */
const styles = `
body{background:transparent}main{max-width:none;padding:0 8px}
.cards{list-style:none;margin:0;padding:0;display:grid;gap:16px;grid-template-columns:repeat(auto-fill,minmax(min(100%,220px),1fr))}
.cards>li{display:flex}
.cards article{display:flex;flex-direction:column;width:100%;padding:0;border:1px solid color-mix(in srgb,CanvasText 15%,transparent);border-radius:12px;overflow:hidden}
.cards img,.cards video{margin:0;border-radius:0}.cards audio{margin:12px 0 0}
.cards .caption{margin:12px 12px 0;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:4;overflow:hidden}
.cards .meta{margin:auto 0 0;padding:4px 12px 8px}
.meta a,.more a{display:inline-block;min-height:44px;padding:10px 0}.meta time{color:inherit;font-size:inherit}
h1{font-size:1.25rem}
`;

/**
 * The widget's `<iframe>` alternative for sites that cannot add a script: the school's latest public
 * posts, server-rendered, no JavaScript. Links open in the top window (the post pages themselves refuse
 * to be framed).
 */
export function renderEmbedPage(
  view: ChannelView,
  entries: FeedEntry[],
  locale: Locale = 'en-GB',
  translations: EntryTranslations = NO_TRANSLATIONS,
): string {
  return page({
    title: view.title,
    ...langAttributes(locale),
    look: publisherLook(view.publisher, 'none'),
    head: html`<base target="_top"><meta name="robots" content="noindex"><style>${raw(styles)}</style>`,
    body: html`<main>
<h1>${view.title}</h1>
${
  entries.length === 0
    ? html`<p>${t(locale, 'site.noPosts')}</p>`
    : html`<ul class="cards" role="list">${entries.map((written) => {
        const shown = shownIn(written, locale, translations.get(written.postId)?.[locale]);
        const { entry, textLocale } = shown;
        const first = entry.media[0];
        const more = entry.media.length - 1;
        return html`<li><article>
${first ? mediaHtml(first, { size: 'card', locale, textLocale }) : ''}
${entry.caption ? captionHtml(entry.caption, undefined, { locale, textLocale }) : ''}
${translationNote(shown, locale, () => undefined)}
<p class="meta"><a href="${localisedUrl(entryLink(view, entry).href, locale)}">${tHtml(locale, 'site.postFrom', { date: html`<time datetime="${entry.publishedAt}">${formatDateTime(locale, entry.publishedAt, view.timezone)}</time>` })}${more > 0 ? ` · ${t(locale, 'site.more', { count: more })}` : ''}</a></p>
</article></li>`;
      })}</ul>`
}
<p class="more"><a href="${localisedUrl(view.self.pageUrl, locale)}">${t(locale, 'site.moreFrom', { title: view.title })}</a></p>
</main>`,
  });
}
