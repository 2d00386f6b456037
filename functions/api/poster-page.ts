import { page } from '../core/channels/render/layout';
import { html, raw } from '../core/security/html';

/**
 * A class's join poster: an A4 page for the classroom door and the newsletter — the class's name, its QR
 * code and two lines of instructions. A real printable page: `@page` sets A4 with margins, the print
 * styles drop everything but the poster, and the QR code is inline SVG so it prints sharp at any size
 * and needs no second request. On screen, a Print button (the script below: the CSP allows no inline
 * script) and a note for phones, whose share sheets print too.
 */
const posterStyles = `
@page{size:A4 portrait;margin:15mm}
.poster{max-width:720px;margin:0 auto;padding:16px;text-align:center}
.poster h1{font-size:2.25rem;margin:.5rem 0 0}
.poster .school{font-size:1.25rem;margin:0 0 16px}
.poster .qr{display:block;width:min(100%,420px);margin:0 auto}
.poster .qr svg{display:block;width:100%;height:auto;background:#fff}
.poster ol{text-align:left;font-size:1.25rem;max-width:34em;margin:16px auto;padding-left:1.5em}
.poster .link{font-size:.8rem;overflow-wrap:anywhere;color:color-mix(in srgb,CanvasText 70%,transparent)}
.screen-only{max-width:720px;margin:0 auto;padding:0 16px 24px;text-align:center}
.screen-only button{font:inherit;font-weight:600;min-height:44px;min-width:44px;padding:10px 24px;border-radius:6px;border:0;background:var(--accent);color:#fff;cursor:pointer}
@media (prefers-color-scheme:dark){.screen-only button{color:#0b1a2b}}
@media print{
  :root{color-scheme:light}body{background:#fff;color:#000}
  .screen-only{display:none}
  .poster{max-width:none;padding:0;break-inside:avoid}
  .poster h1{font-size:40pt;margin-top:0}.poster .school{font-size:20pt}
  .poster .qr{width:120mm}
  .poster ol{font-size:16pt}
  .poster .link{color:#000;font-size:9pt}
}
`;

/** The Print button's script, served beside the poster (`script-src 'self'`). */
export const POSTER_SCRIPT_PATH = '/join/poster.js';
export const POSTER_JS = `'use strict';
(function () {
  var button = document.querySelector('[data-print]');
  if (!button || typeof window.print !== 'function') return;
  button.hidden = false;
  button.addEventListener('click', function () { window.print(); });
})();
`;

export interface PosterView {
  schoolName: string;
  className: string;
  joinUrl: string;
  /** The QR code of `joinUrl` as an SVG document (made by our code from the link: no outside markup). */
  qrSvg: string;
}

export function posterPage(view: PosterView): string {
  const title = `Join ${view.className} on Corridor`;
  // The qrcode library's SVG output, minus its XML prolog, labelled for screen readers.
  const svg = view.qrSvg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace('<svg ', `<svg role="img" aria-label="QR code for the ${escapeText(view.className)} join link" `);
  return page({
    title,
    head: html`<style>${raw(posterStyles)}</style>
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<script src="${POSTER_SCRIPT_PATH}" defer></script>`,
    body: html`<main class="poster">
<h1>${view.className}</h1>
<p class="school">${view.schoolName}</p>
<div class="qr">${raw(svg)}</div>
<ol>
<li>Point your phone's camera at the code and open the link.</li>
<li>Choose notifications on this phone or email: you will see your child's work from school.</li>
</ol>
<p class="link">${view.joinUrl}</p>
</main>
<div class="screen-only">
<button type="button" data-print hidden>Print this poster</button>
<p>Prints on one A4 page. On a phone: Share, then Print.</p>
</div>`,
  });
}

const escapeText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
