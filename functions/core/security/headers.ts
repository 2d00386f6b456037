/**
 * The security headers of every response, in one place: the local server and the API set them from
 * here, and the CloudFront response-header policies (infra/cdn.ts) are built from the same strings, so
 * what is tested locally is what is deployed.
 */

/** The site's CSP: same-origin everything, uploads straight to the incoming bucket, never framed. */
export function siteCsp(uploadOrigin = ''): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src 'self'${uploadOrigin ? ` ${uploadOrigin}` : ''}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The embed widget's pages: the same lock-down, but any site may frame them (that is their job). */
export const embedCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');

/** Opened directly in a tab, a media file gets no script and a unique origin (sniffed types are the first line). */
export const mediaCsp = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/** The API answers JSON, plus the small sign-in confirmation page (inline styles, a same-origin form). */
export const apiCsp =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Two years, as the HSTS preload list asks; sent only when the deployment is HTTPS-only. */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 60 * 60;

export const REFERRER_POLICY = 'strict-origin-when-cross-origin';

/** The composer records photos, audio and video; nothing else needs devices. */
export const PERMISSIONS_POLICY = 'camera=(self), microphone=(self), geolocation=(), payment=(), usb=()';

export type HeaderProfile = 'site' | 'embed' | 'media' | 'api';

/**
 * Which header profile a path gets. Only the embed pages (`/s/<school>/embed`, and the widget's
 * `/embed/…`) may be framed by other sites; every other page refuses framing (clickjacking).
 */
export function headerProfile(path: string): HeaderProfile {
  if (path === '/api' || path.startsWith('/api/')) return 'api';
  if (path.startsWith('/media/')) return 'media';
  if (path.startsWith('/embed/') || /^\/s\/[^/]+\/embed(\/|$)/.test(path)) return 'embed';
  return 'site';
}

export interface HeaderOptions {
  /** Where browsers upload to (the incoming bucket, or the local proxy). */
  uploadOrigin: string;
  /** The deployment is served over HTTPS only: send HSTS. */
  secureTransport: boolean;
}

/** The headers a response to `path` carries. */
export function securityHeaders(path: string, options: HeaderOptions): Record<string, string> {
  const profile = headerProfile(path);
  const csp: Record<HeaderProfile, string> = {
    site: siteCsp(options.uploadOrigin),
    embed: embedCsp,
    media: mediaCsp,
    api: apiCsp,
  };
  return {
    'content-security-policy': csp[profile],
    'x-content-type-options': 'nosniff',
    'referrer-policy': REFERRER_POLICY,
    // Old browsers ignore frame-ancestors; X-Frame-Options cannot say "any site", so embeds send none.
    ...(profile === 'embed' ? {} : { 'x-frame-options': 'DENY' }),
    ...(profile === 'site' ? { 'permissions-policy': PERMISSIONS_POLICY } : {}),
    ...(profile === 'embed' || profile === 'media' ? { 'cross-origin-resource-policy': 'cross-origin' } : {}),
    ...(options.secureTransport ? { 'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains` } : {}),
  };
}
