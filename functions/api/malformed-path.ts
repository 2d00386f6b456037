import { createMiddleware } from 'hono/factory';
import { errorBody } from './errors';
import { messagePage } from './parent-pages';

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
    const sentence = 'This web address is not valid: part of it is garbled. Check the link, or go back to the school’s page.';
    if (path.startsWith('/api/')) return c.json(errorBody('bad_request', sentence), 400);
    return c.html(messagePage('Address not valid', sentence), 400, { 'cache-control': 'no-store' });
  });
