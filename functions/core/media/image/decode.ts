import decodeHeif from 'heic-decode';
import sharp, { type Sharp } from 'sharp';
import { MediaRejected } from '../media';
import { MAX_IMAGE_PIXELS } from './limits';
import type { RawImage } from './placeholder';

/**
 * Options for every sharp that reads an upload. `failOn: 'truncated'` refuses a photo cut short in
 * transfer instead of publishing its grey lower half.
 */
export const uploadInputOptions = { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'truncated' } as const;

/**
 * Decodes one still image upright, in sRGB, at most `width` wide, as raw pixels. Decoding and the first
 * downscale are one libvips pipeline (JPEG shrink-on-load included), so a 12 MP photo never sits in
 * memory at full size.
 * @throws MediaRejected `damaged` when the decoder gives up.
 */
export async function decodeUpright(input: Buffer, format: string, width: number): Promise<RawImage> {
  const source = format === 'heic' ? await heifSource(input) : sharp(input, uploadInputOptions).autoOrient();
  try {
    const { data, info } = await source
      .resize({ width, withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, info: { width: info.width, height: info.height, channels: info.channels } };
  } catch (error) {
    throw new MediaRejected('damaged', (error as Error).message);
  }
}

/** Reads raw pixels of the same image at a smaller width (the next step of the cascade). */
export async function downscale(image: RawImage, width: number): Promise<RawImage> {
  const { data, info } = await sharp(image.data, { raw: image.info })
    .resize({ width })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}

/**
 * HEIC/HEIF from phones is HEVC, which sharp's libvips cannot decode: libheif (WASM, in heic-decode) does.
 * libheif applies the HEIF rotation box itself; the raw pixels it returns carry no EXIF, so the EXIF
 * orientation iPhones also write cannot rotate the picture a second time.
 */
async function heifSource(input: Buffer): Promise<Sharp> {
  try {
    const { width, height, data } = await decodeHeif({ buffer: input });
    return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } });
  } catch (error) {
    throw new MediaRejected('damaged', String((error as Error)?.message ?? error));
  }
}
