import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { LANGUAGE_COOKIE } from '../core/channels/language-choice';
import { type Locale, localeOrUndefined, negotiateLocale } from '../core/i18n/locales';

/**
 * The language of a parent's page before we know their family: the one picked on the page (`?lang=`),
 * else the one picked on the public pages' switcher (its cookie), else the browser's (`Accept-Language`),
 * else English.
 */
export const requestLocale = (c: Context): Locale => localeOrUndefined(c.req.query('lang')) ?? browserLocale(c);

/**
 * The browser's language without reading the query: for a page about an address too garbled to parse
 * (api/malformed-path.ts), or one that names no page at all.
 */
export const browserLocale = (c: Context): Locale =>
  localeOrUndefined(getCookie(c, LANGUAGE_COOKIE)) ?? negotiateLocale(c.req.header('accept-language'));

/** Headers of a page chosen by language: caches must key it on Accept-Language and the language cookie. */
export const languageHeaders = (locale: Locale) => ({ 'content-language': locale, vary: 'Accept-Language, Cookie' });
