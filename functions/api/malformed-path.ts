import { createMiddleware } from 'hono/factory';
import { t } from '../core/i18n/messages';
import { errorBody } from './errors';
import { browserLocale, languageHeaders } from './locale';
import { noticePage } from './parent-pages';

/** True when a path's percent-encoding decodes to text (`%C0%AE`, `%u002e` and a lone `%` do not). */
export function decodablePath(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A path with broken percent-encoding names nothing; left alone it surfaces as a URIError (500) in
 * whichever route decodes it first. It is answered here, before any route, with 400 and words: JSON for
 * the API, a page for everything a person opens.
 */
export const refuseMalformedPath = () =>
  createMiddleware(async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (decodablePath(path)) return next();
    if (path.startsWith('/api/')) return c.json(errorBody('bad_request', t('en-GB', 'error.badAddress')), 400);
    // A person opened it (a parent, from a mangled link): in the browser's language.
    const locale = browserLocale(c);
    return c.html(noticePage(locale, 'error.badAddressTitle', 'error.badAddress'), 400, {
      'cache-control': 'no-store',
      ...languageHeaders(locale),
    });
  });
