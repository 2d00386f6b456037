import { Hono } from 'hono';
import { browserLocale } from '../api/locale';
import { noticePage } from '../api/parent-pages';
import { chooseLanguage, LANGUAGE_VARY, languageRedirectHeaders, pathLocale } from '../core/channels/language-choice';
import type { SiteCache } from './site-cache';

/**
 * URL path → site bucket key, as S3 behind CloudFront reads it: percent-decoded (a tag page's key holds
 * `tägé`, NFC) and `…/index.html` for pages. Undefined for paths that name no site object; `malformed`
 * for percent-encoding that decodes to no text (`%C0%AE`, `%u002e`, a lone `%`).
 */
export function siteKeyForPath(path: string): string | undefined | 'malformed' {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path).normalize('NFC');
  } catch {
    return 'malformed';
  }
  const clean = decoded.replace(/^\/+/, '').replace(/\/+$/, '');
  if (!/^(s|p|w|c|embed|media)\/[\p{L}\p{M}\p{N}._/-]+$/u.test(clean) || clean.includes('..')) return undefined;
  return /\.[a-z0-9]+$/.test(clean) ? clean : `${clean}/index.html`;
}

/**
 * Everything public is readable cross-origin (the widget fetches its feed from school websites), as
 * CloudFront's CORS policy says; the security headers come from the server's middleware.
 */
const corsHeaders = { 'access-control-allow-origin': '*' };

/**
 * Serves the public site like CloudFront: Content-Type and Cache-Control as stored, ETag with 304,
 * byte ranges (podcast apps and `<video>` seek with them), and CORS. A page's plain address first goes
 * to the reader's language (core/channels/language-choice.ts); compression is the server's (compression.ts).
 */
export function siteRoutes(cache: SiteCache) {
  const app = new Hono();
  app.on(['GET', 'HEAD'], '/*', async (c, next) => {
    const key = siteKeyForPath(c.req.path);
    // Normally refused before any route (api/malformed-path.ts); kept so this router stands on its own.
    if (key === 'malformed')
      return c.html(noticePage(browserLocale(c), 'error.badAddressTitle', 'error.badAddress'), 400, {
        'cache-control': 'no-store',
      });
    if (!key) return next();
    let negotiated = false;
    if (key.endsWith('/index.html') && !key.startsWith('media/')) {
      // In front of the cache, as the CloudFront viewer-request function does on AWS: each language is its own URL.
      const choice = chooseLanguage({
        path: c.req.path,
        lang: c.req.query('lang'),
        cookie: c.req.header('cookie'),
        acceptLanguage: c.req.header('accept-language'),
      });
      if (choice.kind === 'redirect') {
        return c.body(null, 302, {
          location: choice.location,
          ...languageRedirectHeaders,
          ...(choice.setCookie ? { 'set-cookie': choice.setCookie } : {}),
        });
      }
      negotiated = choice.negotiated;
    }
    const object = await cache.get(key);
    // In the language of the address (`/p/<post>/pl` of a removed post), else the browser's.
    const notFound = () => noticePage(pathLocale(c.req.path) ?? browserLocale(c), 'error.notFoundTitle', 'error.notFound');
    if (!object) return c.html(notFound(), 404, { 'cache-control': 'no-store' });
    const headers: Record<string, string> = {
      'content-type': object.contentType,
      'cache-control': object.cacheControl,
      etag: object.etag,
      'accept-ranges': 'bytes',
      ...corsHeaders,
      // The English page at a plain address was chosen for this browser: its cache keys it on what chose it.
      ...(negotiated ? { vary: LANGUAGE_VARY } : {}),
    };
    if (c.req.header('if-none-match') === object.etag) return c.body(null, 304, headers);
    const range = parseRange(c.req.header('range'), object.body.length);
    if (range === 'unsatisfiable') {
      return c.body(null, 416, { ...headers, 'content-range': `bytes */${object.body.length}` });
    }
    if (range) {
      const slice = object.body.subarray(range.start, range.end + 1);
      return c.body(new Uint8Array(slice), 206, {
        ...headers,
        'content-range': `bytes ${range.start}-${range.end}/${object.body.length}`,
        'content-length': String(slice.length),
      });
    }
    return c.body(new Uint8Array(object.body), 200, { ...headers, 'content-length': String(object.body.length) });
  });
  return app;
}

/** A single `bytes=` range (RFC 9110 §14.2); multi-range requests get the whole object. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  const [, from, to] = match;
  if (from === '' && to === '') return undefined;
  const start = from === '' ? Math.max(0, size - Number(to)) : Number(from);
  const end = from === '' || to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
