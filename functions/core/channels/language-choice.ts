import { type Locale, localeOrUndefined, negotiateLocale } from '../i18n/locales';
import { DEFAULT_PAGE_LOCALE, localisedUrl, pageLocales } from './render/site-chrome';

/** The cookie that remembers a language picked with the switcher (a year; the site's own, never a tracker). */
export const LANGUAGE_COOKIE = 'corridor_lang';
export const LANGUAGE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** What the edge does with a request for a public page, before any cache. */
export type LanguageChoice =
  /**
   * `negotiated`: the plain address, whose answer depended on the cookie and Accept-Language — a browser
   * must not reuse it from its own cache once either changes (`Vary`).
   */
  { kind: 'serve'; negotiated: boolean } | { kind: 'redirect'; location: string; setCookie?: string };

export interface PageRequest {
  /** The URL path, e.g. `/s/demo` or `/s/demo/pl/`. */
  path: string;
  /** `?lang=` — a language picked on the switcher. */
  lang?: string;
  cookie?: string;
  acceptLanguage?: string;
}

/** The language a page path is already in (its last segment), or undefined for a plain path. */
export function pathLocale(path: string): Locale | undefined {
  const last = path.replace(/\/+$/, '').split('/').at(-1);
  return pageLocales.find((l) => l !== DEFAULT_PAGE_LOCALE && l === last);
}

const cookieLocale = (cookie: string | undefined) =>
  localeOrUndefined(
    (cookie ?? '')
      .split(';')
      .map((part) => part.trim().split('='))
      .find(([name]) => name === LANGUAGE_COOKIE)?.[1],
  );

/**
 * Which language's URL a page request goes to. Each language is its own URL (cached as its own object),
 * so this runs in front of the cache: a picked language (`?lang=`) is remembered in a cookie and the
 * browser sent to that language's URL; a plain page address goes to the remembered language, else the
 * browser's (`Accept-Language`); English stays at the plain address. A language URL is always served as
 * it is. (A tag named like a language code, `#pl`, is read as a language URL and is not negotiated.)
 */
export function chooseLanguage(request: PageRequest): LanguageChoice {
  const current = pathLocale(request.path);
  const plainPath = current ? request.path.replace(/\/+$/, '').replace(/\/[^/]+$/, '') : request.path.replace(/\/+$/, '');
  const picked = localeOrUndefined(request.lang);
  if (picked) {
    return {
      kind: 'redirect',
      location: localisedUrl(plainPath, picked),
      setCookie: `${LANGUAGE_COOKIE}=${picked}; Path=/; Max-Age=${LANGUAGE_COOKIE_MAX_AGE_SECONDS}; SameSite=Lax`,
    };
  }
  if (current) return { kind: 'serve', negotiated: false };
  const wanted = cookieLocale(request.cookie) ?? negotiateLocale(request.acceptLanguage);
  return wanted === DEFAULT_PAGE_LOCALE
    ? { kind: 'serve', negotiated: true }
    : { kind: 'redirect', location: localisedUrl(plainPath, wanted) };
}

/** What a negotiated answer depends on, for every cache between (a browser's own included). */
export const LANGUAGE_VARY = 'Accept-Language, Cookie';

/** Headers of a language redirect: personal (it depends on the browser), so never stored by a shared cache. */
export const languageRedirectHeaders = { 'cache-control': 'private, no-store', vary: LANGUAGE_VARY };
