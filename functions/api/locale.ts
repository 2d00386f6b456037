import type { Context } from 'hono';
import { type Locale, localeOrUndefined, negotiateLocale } from '../core/i18n/locales';

/**
 * The language of a parent's page before we know their family: the one picked on the page (`?lang=`),
 * else the browser's (`Accept-Language`), else English.
 */
export const requestLocale = (c: Context): Locale =>
  localeOrUndefined(c.req.query('lang')) ?? negotiateLocale(c.req.header('accept-language'));

/** Headers of a page chosen by language: caches must key it on Accept-Language. */
export const languageHeaders = (locale: Locale) => ({ 'content-language': locale, vary: 'Accept-Language' });
