import sharp from 'sharp';
import type { RawImage } from '../image/placeholder';
import { type Face, toPixels } from './box';

/** Boxes grow by this much before blurring: detectors box the face tightly, and hair and ears identify too. */
const GROW = 0.6;
/** A blurred face keeps at most this many blocks across: too few for anyone to recognise the child. */
const BLOCKS_ACROSS = 2;

/**
 * Destroys the faces marked `blur` in a decoded picture, before any output is made from it: each region
 * is shrunk to a few blocks (the detail is thrown away, so no filter can bring it back) and then smoothed,
 * so it reads as a soft patch rather than a mosaic. Returns the picture unchanged when nothing is blurred.
 * One step on decoded pixels, so every width, format, placeholder and colour made afterwards inherits it.
 */
export async function blurFaces(image: RawImage, faces: readonly Face[]): Promise<RawImage> {
  const { width, height, channels } = image.info;
  const regions = faces.filter((f) => f.blur).map((f) => toPixels(f, width, height, GROW));
  if (regions.length === 0) return image;
  const patches = await Promise.all(
    regions.map(async (region) => {
      const across = Math.max(1, Math.min(BLOCKS_ACROSS, region.width));
      const down = Math.max(1, Math.min(Math.round((BLOCKS_ACROSS * region.height) / region.width), region.height));
      const tiny = await sharp(image.data, { raw: image.info })
        .extract(region)
        .resize(across, down, { fit: 'fill' })
        .raw()
        .toBuffer();
      const sigma = Math.max(0.3, Math.min(region.width, region.height) / 4);
      const input = await sharp(tiny, { raw: { width: across, height: down, channels } })
        .resize(region.width, region.height, { fit: 'fill', kernel: 'linear' })
        .blur(sigma)
        .raw()
        .toBuffer();
      return { input, raw: { width: region.width, height: region.height, channels }, left: region.left, top: region.top };
    }),
  );
  const { data, info } = await sharp(image.data, { raw: image.info })
    .composite(patches)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}
