import type { JpegOptions, WebpOptions } from 'sharp';
import { ANIMATION_WIDTHS, IMAGE_WIDTHS } from './limits';

/**
 * The pure half of the image pipeline: which widths to publish and how to encode them. WebP at effort 2
 * is ~2× faster than the default effort 4 for a barely larger file (docs/architecture.md, sharp); JPEG is
 * the fallback for feed readers and mail clients that lack WebP.
 */
export const webpOptions: WebpOptions = { quality: 80, effort: 2 };
export const animatedWebpOptions: WebpOptions = { quality: 75, effort: 2, loop: 0 };
export const jpegOptions: JpegOptions = { quality: 82, mozjpeg: false };
/** Transparent PNGs become JPEG on white, not on black. */
export const JPEG_BACKGROUND = '#ffffff';
/** ThumbHash encodes at most 100×100 pixels. */
export const PLACEHOLDER_SIZE = 100;

/**
 * The widths to publish for an image `sourceWidth` wide, largest first (each is resized from the one
 * before: a cascade). Never upscaled: a source narrower than every width is published at its own width.
 */
export function targetWidths(sourceWidth: number, animated: boolean): number[] {
  const widths: readonly number[] = animated ? ANIMATION_WIDTHS : IMAGE_WIDTHS;
  const fitting = widths.filter((w) => w < sourceWidth);
  const largest = Math.min(sourceWidth, widths.at(-1) ?? sourceWidth);
  return [...new Set([largest, ...fitting.reverse()])].filter((w) => w <= largest);
}
