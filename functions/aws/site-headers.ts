/**
 * Content-Security-Policy values of the public site, shared by the CloudFront response-header policies
 * (infra/cdn.ts) and the embedded default's server, so a page behaves the same locally and on AWS.
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

/** The widget's iframe pages under `/embed/`: frameable by any site, nothing else loosened. */
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

/** Media opened directly in a tab: no script, a unique origin. */
export const mediaCsp = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
