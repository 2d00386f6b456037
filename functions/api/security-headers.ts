import { createMiddleware } from 'hono/factory';
import { type Config, servesOnlyHttps, uploadOrigin } from '../aws/config';
import { securityHeaders } from '../core/security/headers';

/**
 * Sets the security headers (CSP with a per-route frame-ancestors, nosniff, Referrer-Policy, HSTS when
 * HTTPS-only) on every response that passes through, whoever produced it.
 */
export const securityHeadersMiddleware = (config: Config) => {
  const options = { uploadOrigin: uploadOrigin(config), secureTransport: servesOnlyHttps(config) };
  return createMiddleware(async (c, next) => {
    await next();
    const headers = securityHeaders(c.req.path, options);
    try {
      for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
    } catch {
      // A proxied upstream response has immutable headers: copy it into one we may change.
      const copy = new Response(c.res.body, c.res);
      for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
      c.res = copy;
    }
  });
};
