import type { MediaOutput } from '../media/media';

/**
 * The school's podcast artwork, drawn from its logo and name (or the name alone): Apple asks for a square JPEG of 1400–3000 px
 * (RGB, no transparency); JSON Feed's `icon` is best around 512 px and its `favicon` around 64 px.
 */
export const ARTWORK_SIZES = { image: 1400, icon: 512, favicon: 64 } as const;
/** The default page accent (layout.ts), for schools without their own: white text on it passes WCAG AA (6.3:1). */
const BACKGROUND = '#1d5fa8';
const MARGIN = 140;
/** DejaVu Sans Bold's average advance is about 0.62 em: enough to wrap without measuring glyphs. */
const ADVANCE_EM = 0.62;
const MAX_LINES = 5;

/** Escapes text for an SVG text node (the name is the school's, but never markup). */
const escapeSvg = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Greedy word wrap; a word longer than a line is cut, so nothing is ever drawn outside the square. */
export function wrapWords(text: string, perLine: number): string[] {
  const lines: string[] = [];
  for (const word of text.trim().split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= perLine) lines[lines.length - 1] = `${last} ${word}`;
    else for (let i = 0; i < word.length; i += perLine) lines.push(word.slice(i, i + perLine));
  }
  return lines;
}

/** The largest type size at which the name fits a box of `width` × `height` within `maxLines` lines. */
function layoutName(name: string, width: number, height: number, maxLines: number): { fontSize: number; lines: string[] } {
  for (let fontSize = 180; fontSize > 40; fontSize -= 10) {
    const lines = wrapWords(name, Math.max(1, Math.floor(width / (fontSize * ADVANCE_EM))));
    if (lines.length <= maxLines && lines.length * fontSize * 1.2 <= height) return { fontSize, lines };
  }
  return { fontSize: 40, lines: wrapWords(name, Math.floor(width / (40 * ADVANCE_EM))).slice(0, maxLines * 3) };
}

/** Where the logo sits when there is one: a white rounded tile in the upper part, the name beneath. */
const LOGO_TILE = { size: 760, top: 150, padding: 50, radius: 48 } as const;

/** What the artwork is drawn from: the school's name, its accent (or the default) and its logo, if any. */
export interface ArtworkInput {
  name: string;
  /** `#rrggbb`, already checked for WCAG AA against white text (look/contrast.ts). */
  accent?: string;
  /** The logo as the photo pipeline stored it (a JPEG, no metadata). */
  logo?: Buffer;
}

/**
 * The artwork as SVG: the name in white, centred, on the accent colour, with a thin rule under it —
 * or, with a logo, the logo's white tile above and the name (at most two lines) below it.
 */
export function artworkSvg(input: ArtworkInput, size: number = ARTWORK_SIZES.image): string {
  const withLogo = input.logo !== undefined;
  const box = withLogo
    ? { top: LOGO_TILE.top + LOGO_TILE.size + 60, height: size - (LOGO_TILE.top + LOGO_TILE.size + 60) - 90, lines: 2 }
    : { top: MARGIN, height: size - 2 * MARGIN, lines: MAX_LINES };
  const { fontSize, lines } = layoutName(input.name, size - 2 * MARGIN, box.height, box.lines);
  const lineHeight = fontSize * 1.2;
  const top = box.top + (box.height - lines.length * lineHeight) / 2 + fontSize * 0.9;
  const text = lines
    .map((line, i) => `<text x="${size / 2}" y="${Math.round(top + i * lineHeight)}">${escapeSvg(line)}</text>`)
    .join('');
  const ruleY = Math.round(top + (lines.length - 1) * lineHeight + fontSize * 0.6);
  const tile = withLogo
    ? `<rect x="${(size - LOGO_TILE.size) / 2}" y="${LOGO_TILE.top}" width="${LOGO_TILE.size}" height="${LOGO_TILE.size}" rx="${LOGO_TILE.radius}" fill="#ffffff"/>`
    : `<rect x="${size / 2 - 120}" y="${ruleY}" width="240" height="12" rx="6" fill="#ffffff" opacity="0.8"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
<rect width="${size}" height="${size}" fill="${input.accent ?? BACKGROUND}"/>
<g fill="#ffffff" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-weight="700" font-size="${fontSize}" text-anchor="middle">${text}</g>
${tile}
</svg>`;
}

/**
 * Renders the artwork in its three sizes with sharp: the SVG overlay is drawn by librsvg (sharp's own
 * libvips), the JPEGs without alpha and without metadata. sharp loads only here, when a school's artwork
 * is first made or what it shows changed. The favicon is the logo alone when there is one (a name is
 * unreadable at 64 px), else the drawn square.
 */
export async function renderArtwork(input: ArtworkInput): Promise<MediaOutput[]> {
  const { default: sharp } = await import('sharp');
  const size = ARTWORK_SIZES.image;
  const background = input.accent ?? BACKGROUND;
  const inner = LOGO_TILE.size - 2 * LOGO_TILE.padding;
  const logoSquare = (width: number) =>
    sharp(input.logo).resize(width, width, { fit: 'contain', background: '#ffffff' }).flatten({ background: '#ffffff' });
  const logoLayer = input.logo
    ? [{ input: await logoSquare(inner).png().toBuffer(), top: LOGO_TILE.top + LOGO_TILE.padding, left: (size - inner) / 2 }]
    : [];
  const square = await sharp({ create: { width: size, height: size, channels: 3, background } })
    .composite([{ input: Buffer.from(artworkSvg(input, size)), top: 0, left: 0 }, ...logoLayer])
    .png()
    .toBuffer();
  const jpeg = (width: number) =>
    sharp(square).resize(width, width).flatten({ background }).jpeg({ quality: 85, mozjpeg: true }).toBuffer();
  const favicon = input.logo
    ? logoSquare(ARTWORK_SIZES.favicon)
    : sharp(square).resize(ARTWORK_SIZES.favicon, ARTWORK_SIZES.favicon);
  const [image, icon, faviconPng] = await Promise.all([
    jpeg(size),
    jpeg(ARTWORK_SIZES.icon),
    favicon.png({ compressionLevel: 9 }).toBuffer(),
  ]);
  return [
    { role: 'image', contentType: 'image/jpeg', extension: 'jpg', bytes: image, width: size, height: size },
    {
      role: 'image',
      contentType: 'image/jpeg',
      extension: 'jpg',
      bytes: icon,
      width: ARTWORK_SIZES.icon,
      height: ARTWORK_SIZES.icon,
    },
    {
      role: 'image',
      contentType: 'image/png',
      extension: 'png',
      bytes: faviconPng,
      width: ARTWORK_SIZES.favicon,
      height: ARTWORK_SIZES.favicon,
    },
  ];
}
