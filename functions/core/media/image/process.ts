import sharp, { type OutputInfo } from 'sharp';
import { type MediaOutput, MediaRejected, type ProcessedMedia } from '../media';

/** Widths published for every photo; never upscaled. */
export const IMAGE_WIDTHS = [320, 640, 1280, 2048] as const;
/** Pixels above this are refused before decoding (decompression bombs). */
export const MAX_IMAGE_PIXELS = 100_000_000;

/**
 * Turns one phone photo into web variants: upright, sRGB, no metadata, each width as WebP and JPEG.
 * @throws MediaRejected when the file is damaged or too large.
 */
export async function processImage(input: Buffer, _options: { format?: string } = {}): Promise<ProcessedMedia> {
  let upright: { data: Buffer; info: OutputInfo };
  try {
    upright = await sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .autoOrient()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new MediaRejected('damaged', (error as Error).message);
  }
  const { width, height, channels } = upright.info;
  const raw = { raw: { width, height, channels } } as const;
  const outputs: MediaOutput[] = [];
  for (const target of IMAGE_WIDTHS.filter((w, i) => w <= width || i === 0)) {
    const resized = sharp(upright.data, raw).resize({ width: Math.min(target, width), withoutEnlargement: true });
    const [webp, jpeg] = await Promise.all([
      resized.clone().webp({ quality: 80, effort: 2 }).toBuffer({ resolveWithObject: true }),
      resized.clone().jpeg({ quality: 82, mozjpeg: false }).toBuffer({ resolveWithObject: true }),
    ]);
    for (const [encoded, contentType, extension] of [
      [webp, 'image/webp', 'webp'],
      [jpeg, 'image/jpeg', 'jpg'],
    ] as const) {
      outputs.push({
        role: 'image',
        contentType,
        extension,
        bytes: encoded.data,
        width: encoded.info.width,
        height: encoded.info.height,
      });
    }
  }
  const { dominant } = await sharp(upright.data, raw).stats();
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return {
    kind: 'image',
    width,
    height,
    dominantColor: `#${hex(dominant.r)}${hex(dominant.g)}${hex(dominant.b)}`,
    outputs,
  };
}
