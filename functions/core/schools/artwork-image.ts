import type { MediaOutput } from '../media/media';

/**
 * The school's podcast artwork, drawn from its name: Apple asks for a square JPEG of 1400–3000 px
 * (RGB, no transparency); JSON Feed's `icon` is best around 512 px and its `favicon` around 64 px.
 */
export const ARTWORK_SIZES = { image: 1400, icon: 512, favicon: 64 } as const;
/** The page accent (layout.ts) as the background: white text on it passes WCAG AA (6.3:1). */
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

/** The largest type size at which the name fits in the square within MAX_LINES lines. */
function layoutName(name: string, size: number): { fontSize: number; lines: string[] } {
  const width = size - 2 * MARGIN;
  for (let fontSize = 180; fontSize > 40; fontSize -= 10) {
    const lines = wrapWords(name, Math.max(1, Math.floor(width / (fontSize * ADVANCE_EM))));
    if (lines.length <= MAX_LINES && lines.length * fontSize * 1.2 <= size - 2 * MARGIN) return { fontSize, lines };
  }
  return { fontSize: 40, lines: wrapWords(name, Math.floor(width / (40 * ADVANCE_EM))).slice(0, MAX_LINES * 3) };
}

/** The artwork as SVG: the name in white, centred, on the accent colour, with a thin rule under it. */
export function artworkSvg(name: string, size: number = ARTWORK_SIZES.image): string {
  const { fontSize, lines } = layoutName(name, size);
  const lineHeight = fontSize * 1.2;
  const top = (size - lines.length * lineHeight) / 2 + fontSize * 0.9;
  const text = lines
    .map((line, i) => `<text x="${size / 2}" y="${Math.round(top + i * lineHeight)}">${escapeSvg(line)}</text>`)
    .join('');
  const ruleY = Math.round(top + (lines.length - 1) * lineHeight + fontSize * 0.6);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
<rect width="${size}" height="${size}" fill="${BACKGROUND}"/>
<g fill="#ffffff" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-weight="700" font-size="${fontSize}" text-anchor="middle">${text}</g>
<rect x="${size / 2 - 120}" y="${ruleY}" width="240" height="12" rx="6" fill="#ffffff" opacity="0.8"/>
</svg>`;
}

/**
 * Renders the artwork in its three sizes with sharp: the SVG overlay is drawn by librsvg (sharp's own
 * libvips), the JPEGs without alpha and without metadata. sharp loads only here, when a school's artwork
 * is first made or its name changed.
 */
export async function renderArtwork(name: string): Promise<MediaOutput[]> {
  const { default: sharp } = await import('sharp');
  const size = ARTWORK_SIZES.image;
  const square = await sharp({ create: { width: size, height: size, channels: 3, background: BACKGROUND } })
    .composite([{ input: Buffer.from(artworkSvg(name, size)), top: 0, left: 0 }])
    .png()
    .toBuffer();
  const jpeg = (width: number) =>
    sharp(square).resize(width, width).flatten({ background: BACKGROUND }).jpeg({ quality: 85, mozjpeg: true }).toBuffer();
  const [image, icon, favicon] = await Promise.all([
    jpeg(size),
    jpeg(ARTWORK_SIZES.icon),
    sharp(square).resize(ARTWORK_SIZES.favicon, ARTWORK_SIZES.favicon).png({ compressionLevel: 9 }).toBuffer(),
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
      bytes: favicon,
      width: ARTWORK_SIZES.favicon,
      height: ARTWORK_SIZES.favicon,
    },
  ];
}
