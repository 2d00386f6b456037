/**
 * Image limits, checked from the file's header before a single pixel is decoded. A phone photo is at
 * most ~50 MP today (a 200 MP sensor bins to 50 MP by default); anything larger is a panorama we do not
 * need at full size, or a decompression bomb.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** Animations (GIF, animated WebP): frames, and pixels summed over every frame. */
export const MAX_FRAMES = 300;
export const MAX_ANIMATION_PIXELS = 150_000_000;
/** Widths published for every photo; never upscaled. */
export const IMAGE_WIDTHS = [320, 640, 1280, 2048] as const;
/** Animations are published smaller: motion at 2048 px would be megabytes a frame. */
export const ANIMATION_WIDTHS = [320, 640] as const;
