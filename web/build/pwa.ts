import { contentTypes, REVALIDATE, type WebAsset } from './assets';
import { ICONS } from './icons';

/** Where the composer lives; also its service worker's scope (a worker controls only below its folder). */
export const COMPOSE_BASE = '/compose/';
export const THEME_COLOR = '#1d5fa8';

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The composer's page: a shell with no inline script or style (the site's CSP allows scripts from
 * 'self' only), the stylesheet and entry module with their content-hashed names, and modulepreload
 * links so the chunks the entry imports download in parallel rather than one after another.
 */
export function composerPage(paths: { stylesheet: string; initialScripts: string[] }): WebAsset {
  const [entry, ...chunks] = paths.initialScripts;
  if (!entry) throw new Error('the composer has no entry script');
  const url = (path: string) => escapeAttribute(`/${path}`);
  const html = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="${THEME_COLOR}">
<meta name="robots" content="noindex">
<title>Corridor — new post</title>
<link rel="manifest" href="${COMPOSE_BASE}manifest.webmanifest">
<link rel="icon" href="${COMPOSE_BASE}icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="${COMPOSE_BASE}apple-touch-icon.png">
<link rel="stylesheet" href="${url(paths.stylesheet)}">
${chunks.map((chunk) => `<link rel="modulepreload" href="${url(chunk)}">\n`).join('')}<script type="module" src="${url(entry)}"></script>
</head>
<body>
<div id="app"><main id="main"><p class="loading">Loading Corridor…</p></main></div>
<noscript><p class="noscript">The Corridor composer needs JavaScript. Without it, post with the <code>corridor post</code> command.</p></noscript>
</body>
</html>
`;
  return {
    path: `${COMPOSE_BASE.slice(1)}index.html`,
    body: new TextEncoder().encode(html),
    contentType: contentTypes.html,
    cacheControl: REVALIDATE,
  };
}

/** The Web App Manifest (https://www.w3.org/TR/appmanifest/) that makes the composer installable. */
export function composerManifest(): WebAsset {
  const manifest = {
    id: COMPOSE_BASE,
    name: 'Corridor — post to your school',
    short_name: 'Corridor',
    description: 'Post photos, sound and video to your school’s page, feeds and families.',
    lang: 'en-GB',
    start_url: COMPOSE_BASE,
    scope: COMPOSE_BASE,
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: THEME_COLOR,
    icons: ICONS.filter((icon) => icon.purpose).map((icon) => ({
      src: `${COMPOSE_BASE}${icon.file}`,
      sizes: `${icon.size}x${icon.size}`,
      type: 'image/png',
      purpose: icon.purpose,
    })),
  };
  return {
    path: `${COMPOSE_BASE.slice(1)}manifest.webmanifest`,
    body: new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
    contentType: contentTypes.manifest,
    cacheControl: REVALIDATE,
  };
}
