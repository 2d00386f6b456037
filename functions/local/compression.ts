import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

/**
 * Compresses text responses of the embedded default (pages, feeds, scripts, styles) with Brotli or gzip,
 * as the browser accepts. On AWS, CloudFront does this (`compress: true` on every behaviour, infra/cdn.ts),
 * so it lives here, in the local server only. Media are already compressed and pass untouched, as do byte
 * ranges (a range is of the stored bytes) and event streams (they never end).
 */
const COMPRESSIBLE =
  /^(text\/(?!event-stream)|application\/(json|feed\+json|rss\+xml|xml|javascript|manifest\+json)|image\/svg\+xml)/;
/** Below this, compression saves less than the headers it costs (CloudFront's own floor is 1,000 bytes). */
const MIN_BYTES = 1000;
/** Compressed bodies by ETag: a site page read a thousand times is compressed once. */
const MEMO_LIMIT = 500;
const memo = new Map<string, Buffer>();

type Encoding = 'br' | 'gzip';

/** The encoding to use for an `Accept-Encoding` header: Brotli when accepted (smaller), else gzip. */
export function pickEncoding(header: string | undefined): Encoding | undefined {
  const accepted = new Map(
    (header ?? '').split(',').map((part) => {
      const [name = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return [name.trim(), q === undefined ? 1 : Number(q)] as const;
    }),
  );
  const allowed = (name: Encoding) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return allowed('br') ? 'br' : allowed('gzip') ? 'gzip' : undefined;
}

function compress(body: Buffer, encoding: Encoding): Buffer {
  // Quality 5: most of Brotli's gain at a small fraction of the CPU of its maximum (11).
  return encoding === 'br'
    ? brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      })
    : gzipSync(body, { level: 6 });
}

/** A response with `body` and every header, status and status text of `from`, copied explicitly. */
const rebuilt = (body: Buffer, from: Response) =>
  new Response(new Uint8Array(body), { status: from.status, statusText: from.statusText, headers: new Headers(from.headers) });

export function compression(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const response = c.res;
    const type = response.headers.get('content-type') ?? '';
    // The API's answers are small and uncached (API Gateway does not compress them either). Replacing one
    // here sent it out without its security headers (security-headers.test.ts caught it; where the Node
    // adapter drops them is not pinned down), so they are left alone.
    if (!COMPRESSIBLE.test(type) || c.req.method === 'HEAD' || c.req.path.startsWith('/api/')) return;
    response.headers.append('vary', 'Accept-Encoding');
    const encoding = pickEncoding(c.req.header('accept-encoding'));
    if (!encoding || response.status !== 200 || response.headers.has('content-encoding') || response.headers.has('content-range'))
      return;
    if (!response.body) return;
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length < MIN_BYTES) {
      // Too small to be worth it: the same bytes (the body was read) and the same headers.
      c.res = rebuilt(body, response);
      c.res.headers.set('content-length', String(body.length));
      return;
    }
    const etag = response.headers.get('etag');
    const memoKey = etag && `${encoding}:${etag}`;
    let packed = memoKey ? memo.get(memoKey) : undefined;
    if (!packed) {
      packed = compress(body, encoding);
      if (memoKey) {
        if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
        memo.set(memoKey, packed);
      }
    }
    // The new response carries the old one's headers (security headers included); length and ranges are corrected.
    c.res = rebuilt(packed, response);
    c.res.headers.set('content-encoding', encoding);
    c.res.headers.set('content-length', String(packed.length));
    c.res.headers.delete('accept-ranges');
  };
}
