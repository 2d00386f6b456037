/**
 * WCAG 2.x contrast (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio), for a school's accent colour.
 * The accent is used two ways: as link and button colour on the pages' white background, and as the
 * background of white text (the page header, e-mail header, podcast artwork). Both are white against
 * the accent, so one ratio decides; AA asks 4.5:1 for normal-size text.
 */
export const AA_NORMAL_TEXT = 4.5;

/** `#RRGGBB` (upper or lower case): the only form accepted, so what is stored is what is shown. */
export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

/** Relative luminance of an sRGB `#RRGGBB` colour (0 black … 1 white). */
export function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const value = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The contrast ratio of two colours, 1 … 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** A ratio as people read it: 4.48 shows as "4.4:1" (rounded down, so a failing ratio never reads as 4.5). */
export const ratioWords = (ratio: number) => `${Math.floor(ratio * 10) / 10}:1`;

export type AccentVerdict = { ok: true; ratio: number; words: string } | { ok: false; ratio?: number; words: string };

/** The page background (light mode) and the text drawn on the accent. */
const WHITE = '#ffffff';

/** Whether a colour can be the accent, with the words an admin reads either way. */
export function judgeAccent(colour: string): AccentVerdict {
  if (!HEX_COLOUR.test(colour)) {
    return {
      ok: false,
      words: `"${colour.slice(0, 20)}" is not a colour Corridor can use: write it as # and six hex digits, e.g. #1d5fa8.`,
    };
  }
  const ratio = contrastRatio(colour, WHITE);
  if (ratio < AA_NORMAL_TEXT) {
    return {
      ok: false,
      ratio,
      words: `${colour} is too light to read: its contrast with white is ${ratioWords(ratio)}, and WCAG AA asks at least 4.5:1 (for white text on it, and for it as text on the white page). Choose a darker shade.`,
    };
  }
  return { ok: true, ratio, words: `${colour} reads well: contrast ${ratioWords(ratio)} with white (WCAG AA asks 4.5:1).` };
}
