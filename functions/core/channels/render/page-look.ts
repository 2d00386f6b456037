import type { PublicLook } from '../../schools/look/look';
import { type Html, html, raw } from '../../security/html';

/** A school's look on a page (schools/look/): its accent, its favicon, and the band with logo and welcome line. */
export interface PageLook {
  /** `#rrggbb`, already checked for WCAG AA against white (the band's text, the page's background). */
  accent?: string;
  /** The favicon's URL: drawn from the logo when there is one, else from the name (schools/artwork.ts). */
  favicon?: string;
  /** The band above the header; absent on pages framed by someone else's site (the widget's iframe). */
  band?: { logo?: { url: string; width?: number; height?: number }; welcome?: string };
}

/** The band's styles, sent only with a band (the page's own stylesheet is layout.ts's). */
const bandStyles = `.brand{background:var(--brand,#1d5fa8);color:#fff}.brand div{max-width:720px;margin:0 auto;padding:12px 16px;display:flex;align-items:center;gap:12px}
.brand img{width:auto;height:64px;max-width:160px;margin:0;border-radius:8px;background:#fff;object-fit:contain}.brand p{margin:0;font-size:1.05rem}`;

const hasBand = (look: PageLook | undefined) => Boolean(look?.band && (look.band.logo || look.band.welcome));

/**
 * The look's `<head>` part: the favicon, and the accent as the page's `--accent` in light mode, where the
 * page is white; dark mode keeps its light link colour (a dark accent on a dark page would fail
 * contrast), while the band keeps the accent (`--brand`) with its white text.
 */
export function lookHead(look: PageLook | undefined): Html {
  const accent = look?.accent && /^#[0-9a-f]{6}$/.test(look.accent) ? look.accent : undefined;
  const css = [
    accent ? `:root{--brand:${accent};--accent:${accent}}@media (prefers-color-scheme:dark){:root{--accent:#8cbcf5}}` : '',
    hasBand(look) ? bandStyles : '',
  ].join('');
  return html`${look?.favicon ? html`<link rel="icon" type="image/png" sizes="64x64" href="${look.favicon}">` : ''}
${css ? html`<style>${raw(css)}</style>` : ''}`;
}

/** The band above the page's header: the logo and the welcome line, on the accent. */
export function lookBand(look: PageLook | undefined): Html {
  const band = look?.band;
  if (!band || !hasBand(look)) return html``;
  // The logo is decorative: the school's name is the heading right below it.
  return html`<div class="brand"><div>${band.logo ? html`<img src="${band.logo.url}" alt=""${band.logo.width && band.logo.height ? html` width="${band.logo.width}" height="${band.logo.height}"` : ''}>` : ''}${band.welcome ? html`<p>${band.welcome}</p>` : ''}</div></div>`;
}

/**
 * A school's look as a page shows it. `band`: the school page shows logo and welcome line, a post page
 * the logo only (the welcome is said once, on the school page), a framed page (the widget's iframe) no
 * band at all — it sits inside the school's own website.
 */
export function pageLook(
  { look, favicon }: { look?: PublicLook; favicon?: string },
  band: 'welcome' | 'logo' | 'none',
): PageLook {
  return {
    ...(look?.accent ? { accent: look.accent } : {}),
    ...(favicon ? { favicon } : {}),
    ...(band !== 'none' && look
      ? {
          band: {
            ...(look.logo ? { logo: look.logo } : {}),
            ...(band === 'welcome' && look.welcome ? { welcome: look.welcome } : {}),
          },
        }
      : {}),
  };
}

/** The look of a publisher's pages (a wall's publisher has neither look nor artwork). */
export const publisherLook = (
  publisher: { look?: PublicLook; artwork?: { favicon: { url: string } } },
  band: 'welcome' | 'logo' | 'none',
) => pageLook({ look: publisher.look, favicon: publisher.artwork?.favicon.url }, band);
