import type { AvifOptions, JpegOptions, WebpOptions } from 'sharp';
import { ANIMATION_WIDTHS, IMAGE_WIDTHS } from './limits';

/**
 * The pure half of the image pipeline: which widths to publish and how to encode them. WebP at effort 2
 * is ~2× faster than the default effort 4 for a barely larger file (docs/architecture.md, sharp); JPEG is
 * the fallback for feed readers and mail clients that lack WebP; AVIF is the smallest, for phones that have it.
 */
export const webpOptions: WebpOptions = { quality: 80, effort: 2 };
export const animatedWebpOptions: WebpOptions = { quality: 75, effort: 2, loop: 0 };
export const jpegOptions: JpegOptions = { quality: 82, mozjpeg: false };
/**
 * AVIF for phones that decode it (the page offers it first in `<picture>`): 55–65% of the bytes of the
 * WebP at the same width. Quality 55 keeps SSIM within ~1 dB of WebP 80 on the corpus photos; effort 1
 * makes the same bytes as effort 2 in ~60% of the time, and sharp's default effort 4 takes 5–15× longer
 * for ~5% fewer bytes (docs/media.md, "AVIF").
 */
export const avifOptions: AvifOptions = { quality: 55, effort: 1 };
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
