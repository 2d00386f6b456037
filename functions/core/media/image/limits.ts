/**
 * Image limits, checked from the file's header before a single pixel is decoded. A phone photo is at
 * most ~50 MP today (a 200 MP sensor bins to 50 MP by default); anything larger is a panorama we do not
 * need at full size, or a decompression bomb.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** Animations (GIF, animated WebP): frames, and pixels summed over every frame. */
export const MAX_FRAMES = 300;
export const MAX_ANIMATION_PIXELS = 150_000_000;
/**
 * Widths published for every photo; never upscaled. 1,080 is what the commonest phone needs for a photo
 * across the page: 390 CSS px less the page's 16 px margins is 358 px, × 3 device pixels = 1,074 (and a
 * 360 px Android phone at 3×, 1,080). Without it that phone fetched the 1,280 px file: 40% more bytes.
 */
export const IMAGE_WIDTHS = [320, 640, 1080, 1280, 2048] as const;
/**
 * AVIF is made up to this width: every width a phone picks (a 430 px phone at 3× takes the 1,280). The
 * 2,048 px AVIF alone would cost more CPU than all the others together (~1–1.5 s of a core for a 12 MP
 * photo) for the large screens on broadband that pick it; they get the WebP.
 */
export const AVIF_MAX_WIDTH = 1280;
/** Animations are published smaller: motion at 2048 px would be megabytes a frame. */
export const ANIMATION_WIDTHS = [320, 640] as const;
