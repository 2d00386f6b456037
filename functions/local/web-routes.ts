import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { WebAsset } from '../../web/build/assets';
import type { WebBuild } from '../../web/build/index';

/** Headers by file, as CloudFront would add them to the same files (security headers: the middleware). */
function headersFor(asset: WebAsset): Record<string, string> {
  const common = { 'content-type': asset.contentType, 'cache-control': asset.cacheControl };
  // The widget's script runs on every school website: readable and loadable from any origin.
  if (asset.path === 'embed.js') {
    return { ...common, 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' };
  }
  return common;
}

/**
 * Serves the web build (`/embed.js`, the composer under `/compose/`) from memory. `load` builds it on
 * the first request and caches it, so processes that never serve a page (most tests) never run esbuild.
 */
export function webRoutes(load: () => Promise<WebBuild>) {
  const app = new Hono();
  let served: Promise<Map<string, { asset: WebAsset; etag: string }>> | undefined;
  const files = () => {
    served ??= load().then(
      ({ assets }) =>
        new Map(
          [...assets].map(([path, asset]) => [
            path,
            { asset, etag: `"${createHash('sha1').update(asset.body).digest('base64url')}"` },
          ]),
        ),
    );
    return served;
  };
  // The service worker's scope is the folder: the page must be inside it.
  app.get('/compose', (c) => c.redirect('/compose/', 301));
  app.on(['GET', 'HEAD'], ['/embed.js', '/compose/*'], async (c, next) => {
    const path = c.req.path.slice(1);
    const file = (await files()).get(path.endsWith('/') ? `${path}index.html` : path);
    if (!file) return next();
    const headers = { ...headersFor(file.asset), etag: file.etag };
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(file.asset.body), 200, headers);
  });
  return app;
}
