import { Hono } from 'hono';

/** The path prefix under which the local server forwards presigned uploads to s3rver. */
export const S3_PROXY_PREFIX = '/_s3';

/**
 * Locally, phones and browsers upload to the app's own origin (`/_s3/…`), which forwards to s3rver:
 * one origin means no CORS set-up and a phone on the school Wi-Fi reaches it. On AWS the presigned
 * URLs point at S3 itself and nothing passes through the server.
 */
export function s3Proxy(s3Endpoint: string) {
  const app = new Hono();
  app.all(`${S3_PROXY_PREFIX}/*`, async (c) => {
    const url = new URL(c.req.url);
    const target = `${s3Endpoint}${url.pathname.slice(S3_PROXY_PREFIX.length)}${url.search}`;
    const headers = new Headers(c.req.raw.headers);
    headers.delete('host');
    const hasBody = !['GET', 'HEAD'].includes(c.req.method);
    const response = await fetch(target, {
      method: c.req.method,
      headers,
      body: hasBody ? c.req.raw.body : undefined,
      // Stream the upload through rather than buffering a video in memory.
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
    return new Response(response.body, { status: response.status, headers: response.headers });
  });
  return app;
}
