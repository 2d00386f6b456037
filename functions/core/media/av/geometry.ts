import { VIDEO_BOX } from './limits';
import type { VideoStream } from './probe';

/** A size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/**
 * The size a viewer sees: stored size stretched by the pixel aspect ratio, then turned by the display
 * rotation (a 90° or 270° turn swaps width and height).
 */
export function displaySize(video: Pick<VideoStream, 'width' | 'height' | 'rotation' | 'sampleAspect'>): Size {
  const width = Math.round(video.width * video.sampleAspect);
  const turned = video.rotation === 90 || video.rotation === 270;
  return turned ? { width: video.height, height: width } : { width, height: video.height };
}

// Down to even, never up (a rounded-up side would be a one-pixel upscale); the epsilon absorbs float error.
const even = (n: number) => Math.max(2, 2 * Math.floor(n / 2 + 1e-9));

/**
 * Fits a display size inside {@link VIDEO_BOX} (1280×720 landscape, 720×1280 portrait; a square fits 720×720),
 * keeping the aspect ratio and never upscaling. Both sides come out even, because H.264 4:2:0 needs them so.
 */
export function fitWithin(size: Size, box: { long: number; short: number } = VIDEO_BOX): Size {
  const portrait = size.height > size.width;
  const maxWidth = portrait ? box.short : box.long;
  const maxHeight = portrait ? box.long : box.short;
  const scale = Math.min(1, maxWidth / size.width, maxHeight / size.height);
  return { width: even(size.width * scale), height: even(size.height * scale) };
}
