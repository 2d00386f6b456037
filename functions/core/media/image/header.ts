import sharp, { type Metadata } from 'sharp';
import { MediaRejected } from '../media';
import { MAX_ANIMATION_PIXELS, MAX_FRAMES, MAX_IMAGE_PIXELS } from './limits';

/** What the header says, read without decoding pixels. */
export interface ImageHeader {
  /** Upright dimensions of one frame (EXIF orientation and HEIF rotation already applied). */
  width: number;
  height: number;
  frames: number;
}

/**
 * Reads the image's header and refuses it before decoding when it is too big: a 50000×50000 PNG of a
 * few hundred bytes is refused here without allocating its 7.5 GB of pixels.
 * @throws MediaRejected `too_many_pixels`, `too_many_frames`, or `damaged` when there is no readable header.
 */
export async function readHeader(input: Buffer): Promise<ImageHeader> {
  let metadata: Metadata;
  try {
    // `limitInputPixels: false` here: the header read allocates nothing, and we want the real numbers.
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new MediaRejected('damaged', (error as Error).message);
  }
  const frames = metadata.pages ?? 1;
  const frameHeight = metadata.pageHeight ?? metadata.height;
  if (!metadata.width || !frameHeight) throw new MediaRejected('damaged', 'no image size in the file');
  const upright = metadata.autoOrient ?? { width: metadata.width, height: frameHeight };
  const header = { width: upright.width, height: frames > 1 ? frameHeight : upright.height, frames };
  const pixels = header.width * header.height;
  if (pixels > MAX_IMAGE_PIXELS) {
    throw new MediaRejected('too_many_pixels', `${header.width}×${header.height} pixels`);
  }
  if (frames > MAX_FRAMES) throw new MediaRejected('too_many_frames', `${frames} frames`);
  if (pixels * frames > MAX_ANIMATION_PIXELS)
    throw new MediaRejected('too_many_frames', `${frames} frames of ${header.width}×${header.height}`);
  return header;
}
