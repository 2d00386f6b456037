import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { PLACEHOLDER_SIZE } from './profile';

export interface RawImage {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/** A ~25-byte ThumbHash (base64) of a small raw image: the blurred preview shown while a photo loads. */
export async function thumbHash(image: RawImage): Promise<string> {
  const { data, info } = await sharp(image.data, { raw: image.info })
    .resize(PLACEHOLDER_SIZE, PLACEHOLDER_SIZE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}

/** The image's dominant colour as `#rrggbb` (the background a page shows before the photo arrives). */
export async function dominantColor(image: RawImage): Promise<string> {
  const { dominant } = await sharp(image.data, { raw: image.info }).stats();
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `#${hex(dominant.r)}${hex(dominant.g)}${hex(dominant.b)}`;
}
