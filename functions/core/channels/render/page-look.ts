import type { PublicLook } from '../../schools/look/look';
import type { PageLook } from './layout';

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
