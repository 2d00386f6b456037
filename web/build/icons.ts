import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { contentTypes, REVALIDATE, type WebAsset } from './assets';

/** The home-screen icons a PWA needs, drawn once in SVG and rasterised at build time. */
export const ICONS = [
  { file: 'icon-192.png', size: 192, purpose: 'any', rounded: true },
  { file: 'icon-512.png', size: 512, purpose: 'any', rounded: true },
  { file: 'icon-maskable-512.png', size: 512, purpose: 'maskable', rounded: false },
  // iOS ignores the manifest's icons and rounds this one itself.
  { file: 'apple-touch-icon.png', size: 180, purpose: undefined, rounded: false },
] as const;

/** Corner radius of the rounded icons, as a share of their size (close to the platforms' own). */
const CORNER = 0.22;

const roundedMask = (size: number) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" rx="${Math.round(size * CORNER)}"/></svg>`,
  );

/** Renders every icon from `svgPath`, plus the SVG itself as the favicon. */
export async function buildIcons(svgPath: string, prefix: string): Promise<WebAsset[]> {
  const svg = await readFile(svgPath);
  const pngs = await Promise.all(
    ICONS.map(async (icon) => {
      let image = sharp(svg, { density: (72 * icon.size) / 512 }).resize(icon.size, icon.size);
      if (icon.rounded) image = image.composite([{ input: roundedMask(icon.size), blend: 'dest-in' }]);
      const body = await image.png({ compressionLevel: 9 }).toBuffer();
      return { path: `${prefix}${icon.file}`, body, contentType: contentTypes.png, cacheControl: REVALIDATE };
    }),
  );
  return [...pngs, { path: `${prefix}icon.svg`, body: svg, contentType: contentTypes.svg, cacheControl: REVALIDATE }];
}
