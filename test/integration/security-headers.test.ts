import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../functions/api/app';
import { putSchool } from '../../functions/core/schools/school';
import { putTrust } from '../../functions/core/schools/trust';
import { DEMO_SCHOOL } from '../../functions/local/seed';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor();
  await putTrust(corridor.local.deps, { id: 'north', name: 'North Trust' });
  await putSchool(corridor.local.deps, { ...DEMO_SCHOOL, wallTrustId: 'north' });
  await corridor.post({
    audience: 'public',
    caption: 'Sunflowers #art',
    files: [{ path: corpusPath('png_exif_gps_1x1.png'), contentType: 'image/png', alt: 'a dot' }],
  });
});
afterAll(() => corridor?.stop());

/** Follows every same-origin link and source from the school page: every page a visitor can reach. */
async function crawl(start: string[]): Promise<Map<string, Response>> {
  const seen = new Map<string, Response>();
  const queue = [...start];
  while (queue.length > 0) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    const response = await corridor.fetch(path, { redirect: 'manual' });
    seen.set(path, response);
    if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) continue;
    const html = await response.text();
    for (const [, link] of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      const url = new URL((link as string).replaceAll('&amp;', '&'), `${corridor.url}${path}`);
      if (url.origin === corridor.url) queue.push(url.pathname);
    }
  }
  return seen;
}

const expectLockedDown = (path: string, response: Response) => {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp, path).toContain("default-src 'self'");
  expect(csp, path).toContain("script-src 'self'");
  expect(csp, path).toContain("object-src 'none'");
  expect(csp, path).toContain("frame-ancestors 'none'");
  expect(response.headers.get('x-frame-options'), path).toBe('DENY');
  expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
  expect(response.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
};

describe('security headers', () => {
  it('every HTML page reachable from the school page is locked down and not frameable', async () => {
    const pages = await crawl(['/s/demo', '/w/north', '/s/demo/no-such-page', '/']);
    const html = [...pages].filter(([, r]) => (r.headers.get('content-type') ?? '').startsWith('text/html'));
    const paths = html.map(([path]) => path);
    // The crawl really reached the school page, a post page, a tag page, the wall and a 404 page.
    expect(paths).toEqual(expect.arrayContaining(['/s/demo', '/w/north', '/s/demo/no-such-page']));
    expect(paths.some((p) => p.startsWith('/p/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('/s/demo/t/art'))).toBe(true);
    for (const [path, response] of html) expectLockedDown(path, response);
    // Feeds, media and redirects carry nosniff and a CSP too (a feed opened in a tab runs nothing).
    for (const [path, response] of pages) {
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toBeTruthy();
    }
    const media = [...pages].find(([path]) => path.startsWith('/media/'));
    expect(media?.[1].headers.get('content-security-policy')).toContain('sandbox');
  });

  it('the embed page may be framed by any site; other pages of that school may not', async () => {
    for (const path of ['/s/demo/embed', '/s/demo/embed/', '/embed/demo']) {
      const response = await corridor.fetch(path);
      expect(response.headers.get('content-security-policy'), path).toContain('frame-ancestors *');
      expect(response.headers.get('x-frame-options'), path).toBeNull();
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    for (const path of ['/s/demo', '/s/demo/embedded', '/s/demo/t/embed']) {
      expect((await corridor.fetch(path)).headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it('the API’s own HTML (the sign-in pages) is locked down too', async () => {
    const page = await corridor.fetch('/api/auth/magic?token=not-a-link');
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it('API answers (JSON and errors) are not frameable and not sniffed', async () => {
    for (const path of ['/api/health', '/api/posts', '/api/nothing-here']) {
      const response = await corridor.fetch(path);
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('sends HSTS only when the deployment is HTTPS-only', async () => {
    const deps = corridor.local.deps;
    expect((await corridor.fetch('/s/demo')).headers.get('strict-transport-security')).toBeNull();
    const https = createApi({ ...deps, config: { ...deps.config, publicUrl: 'https://corridor.example.org' } });
    expect((await https.request('/api/health')).headers.get('strict-transport-security')).toMatch(
      /^max-age=63072000; includeSubDomains$/,
    );
    const forcedOff = createApi({ ...deps, config: { ...deps.config, publicUrl: 'https://x.example', secureTransport: false } });
    expect((await forcedOff.request('/api/health')).headers.get('strict-transport-security')).toBeNull();
  });
});
