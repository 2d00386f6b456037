/**
 * What the web build produces: files addressed by their URL path (which is also their key in the site
 * bucket), each with the headers it must be served with. The local server serves these from memory;
 * `npm run build:web` writes them to web/dist.
 */
export interface WebAsset {
  /** URL path without the leading slash, e.g. `embed.js` or `compose/app-3F2A.js`. */
  path: string;
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

/** Content-hashed names never change meaning: cache them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Stable names that a deploy changes (the page, the service worker, the manifest): always revalidate. */
export const REVALIDATE = 'no-cache';
/**
 * `embed.js` keeps its name (school websites paste it once), so caches hold it briefly and may serve a
 * stale copy while they fetch the new one.
 */
export const EMBED_SCRIPT_CACHE = 'public, max-age=300, stale-while-revalidate=86400';

export const contentTypes = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  manifest: 'application/manifest+json; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
} as const;
