import { type Locale, localeInfo, locales } from '../../i18n/locales';
import { t, tHtml } from '../../i18n/messages';
import { html } from '../../security/html';

/**
 * The public pages in every language Corridor speaks. Each language has its own URL — the page's path
 * plus `/<locale>` (`/s/demo/pl`, `/p/<post>/ur`), English at the path itself — so a CDN caches each
 * language as its own object and never needs to vary one URL on `Accept-Language`. Which of them a
 * browser is sent to is decided in front of the cache (see language-choice.ts).
 */
export const pageLocales = locales;
export const DEFAULT_PAGE_LOCALE: Locale = 'en-GB';

/** The site key of a page in a language: `s/demo/index.html` → `s/demo/pl/index.html`. */
export const localisedKey = (pageKey: string, locale: Locale) =>
  locale === DEFAULT_PAGE_LOCALE ? pageKey : pageKey.replace(/(^|\/)index\.html$/, `$1${locale}/index.html`);

/** The URL of a page in a language: `https://x/s/demo` → `https://x/s/demo/pl`. */
export const localisedUrl = (pageUrl: string, locale: Locale) =>
  locale === DEFAULT_PAGE_LOCALE ? pageUrl : `${pageUrl.replace(/\/+$/, '')}/${locale}`;

/** `hreflang` alternates, so search engines and link previews find each language's own URL. */
export const languageAlternates = (pageUrl: string) =>
  html`${pageLocales.map((l) => html`<link rel="alternate" hreflang="${l}" href="${localisedUrl(pageUrl, l)}">\n`)}<link rel="alternate" hreflang="x-default" href="${pageUrl}">`;

/**
 * The language switcher: plain links (no JavaScript), each language named in itself. `?lang=` makes the
 * edge remember the choice in a cookie, so the page's plain address opens in it next time too.
 */
export function languageSwitcher(pageUrl: string, current: Locale) {
  return html`<nav id="language" class="languages" aria-label="${t(current, 'page.language')}"><h2>${t(current, 'page.language')}</h2><ul>${pageLocales.map(
    (l) =>
      html`<li><a href="${localisedUrl(pageUrl, l)}?lang=${l}" hreflang="${l}" lang="${l}" dir="${localeInfo[l].dir}"${
        l === current ? html` aria-current="true"` : ''
      }>${localeInfo[l].name}</a></li>`,
  )}</ul></nav>`;
}

/** A link at the top to the switcher at the bottom: a parent looks for their language first. */
export const languageShortcut = (current: Locale) =>
  html`<a class="language-link" href="#language">${t(current, 'page.changeLanguage')}: <span lang="${current}">${localeInfo[current].name}</span></a>`;

/**
 * "Get updates" in words a parent uses, instead of "RSS · JSON": a podcast app, a news reader and — on
 * public pages — how a parent gets posts by e-mail or on the phone (the class join link, from the teacher).
 */
export function getUpdates(locale: Locale, rssUrl: string, options: { public: boolean }) {
  return html`<section class="updates" aria-labelledby="get-updates"><h2 id="get-updates">${t(locale, 'site.getUpdates')}</h2>
${options.public ? html`<p>${tHtml(locale, 'site.askTeacher')}</p>` : ''}
<ul><li><a href="${rssUrl}">${t(locale, 'site.podcastApp')}</a> <span>${t(locale, 'site.podcastHint')}</span></li>
<li><a href="${rssUrl}">${t(locale, 'site.newsReader')}</a> <span>${t(locale, 'site.newsReaderHint')}</span></li></ul>
</section>`;
}

/** Shown at the top of every private (families, class) page: these are capability URLs. */
export const privateNotice = (locale: Locale, title: string) =>
  html`<p class="notice" role="note">${tHtml(locale, 'site.privateNotice', { title })}</p>`;

/** "←" points back in a left-to-right page and the other way in Urdu and Arabic. */
export const backArrow = (locale: Locale) => (localeInfo[locale].dir === 'rtl' ? '→' : '←');

/** Styles of the public pages' own parts (the shell's are in layout.ts). Logical properties: RTL pages mirror. */
export const siteStyles = `
.gallery{grid-template-columns:repeat(2,minmax(0,1fr))}.gallery a{display:block}
.gallery img{aspect-ratio:1;object-fit:cover}
article h2 time{color:inherit;font-size:inherit}
.gallery-large{list-style:none;padding:0;margin:8px 0}.gallery-large li{margin:0 0 12px}
article h1.caption{font-size:1.25rem;font-weight:600;white-space:pre-line}
article h2{font-size:1.1rem;margin:0}article h2 a{display:inline-block;padding:10px 0;min-height:44px}
.notice{border:2px solid var(--accent);border-radius:8px;padding:12px;margin:8px 16px}
@media (min-width:752px){.notice{max-width:688px;margin-inline:auto}}
.updates{max-width:720px;margin:0 auto;padding:8px 16px}.updates h2,.languages h2{font-size:1.1rem}
.updates ul,.languages ul{list-style:none;padding:0;margin:0}.updates li{margin:0 0 12px}
.updates a{display:inline-block;min-height:44px;padding:10px 0}.updates span{display:block}
.languages ul{display:flex;flex-wrap:wrap;gap:0 16px}.languages a{display:inline-block;min-height:44px;min-width:44px;padding:10px 4px;text-align:center}
.language-link{display:inline-block;min-height:44px;padding:10px 0}
`;
