import sharp from 'sharp';
import type { FaceStep } from '../faces/step';
import { type MediaOutput, MediaRejected, type ProcessedMedia } from '../media';
import { decodeUpright, downscale, uploadInputOptions } from './decode';
import { type ImageHeader, readHeader } from './header';
import { AVIF_MAX_WIDTH } from './limits';
import { dominantColor, type RawImage, thumbHash } from './placeholder';
import { animatedWebpOptions, avifOptions, JPEG_BACKGROUND, jpegOptions, targetWidths, webpOptions } from './profile';

/**
 * Turns one phone photo into web variants: upright, sRGB, no metadata (sharp writes none unless asked),
 * each width as WebP and JPEG (and, up to 1,280 px, AVIF where it is smaller than the WebP), plus a ThumbHash placeholder
 * and the dominant colour. Animations keep
 * their motion as animated WebP, with a still JPEG for readers that cannot play it.
 * @param options.format what `sniff` found (HEIC needs its own decoder).
 * @param options.avif false for a video's poster: pages show posters as `<video poster>`, a single
 *   JPEG, so AVIF would cost ~1 s of CPU a video for files nothing fetches.
 * @param options.faces finds (and blurs) faces on the decoded picture before any output is made. An
 *   animation whose faces must be blurred is published as its blurred first frame: motion cannot be
 *   blurred frame by frame here, and the faces must not go out.
 * @throws MediaRejected when the file is damaged, too large or has too many frames.
 */
export async function processImage(
  input: Buffer,
  options: { format: string; avif?: boolean; faces?: FaceStep },
): Promise<ProcessedMedia> {
  const header = await readHeader(input);
  const processed =
    header.frames > 1 && !options.faces?.blurs
      ? await processAnimation(input, header)
      : await processStill(input, options.format, header, options.avif ?? true, options.faces);
  return { kind: 'image', width: header.width, height: header.height, ...processed };
}

type Variants = Pick<ProcessedMedia, 'outputs' | 'placeholder' | 'dominantColor' | 'faces'>;

/**
 * Decode once at the largest width, then each smaller width from the one before (a cascade). The face
 * step runs on that first decode, so every width, format, the placeholder and the colour come from the
 * blurred pixels.
 */
async function processStill(
  input: Buffer,
  format: string,
  header: ImageHeader,
  avif: boolean,
  faces?: FaceStep,
): Promise<Variants> {
  const [largest, ...smaller] = targetWidths(header.width, false);
  let current = await decodeUpright(input, format, largest ?? header.width);
  const found = faces ? await faces.apply(current) : undefined;
  if (found) current = found.image;
  // Encodes run on libuv's thread pool while the cascade goes on: both cores stay busy.
  const encodes = [encodeStill(current, avif)];
  for (const width of smaller) {
    current = await downscale(current, width);
    encodes.push(encodeStill(current, avif));
  }
  const [outputs, placeholder, color] = await Promise.all([Promise.all(encodes), thumbHash(current), dominantColor(current)]);
  return { outputs: outputs.reverse().flat(), placeholder, dominantColor: color, ...(found ? { faces: found.faces } : {}) };
}

async function encodeStill(image: RawImage, withAvif: boolean): Promise<MediaOutput[]> {
  const source = () => sharp(image.data, { raw: image.info });
  const [webp, jpeg, avif] = await Promise.all([
    source().webp(webpOptions).toBuffer(),
    source().flatten({ background: JPEG_BACKGROUND }).jpeg(jpegOptions).toBuffer(),
    withAvif && image.info.width <= AVIF_MAX_WIDTH ? source().avif(avifOptions).toBuffer() : undefined,
  ]);
  const { width, height } = image.info;
  const outputs: MediaOutput[] = [
    { role: 'image', contentType: 'image/webp', extension: 'webp', bytes: webp, width, height },
    { role: 'image', contentType: 'image/jpeg', extension: 'jpg', bytes: jpeg, width, height },
  ];
  // Only where it saves bytes: a page offers AVIF first, so a larger one would cost AVIF phones more.
  if (avif && avif.length < webp.length)
    outputs.unshift({ role: 'image', contentType: 'image/avif', extension: 'avif', bytes: avif, width, height });
  return outputs;
}

/** Animated GIF/WebP: an animated WebP and a still JPEG (the first frame) per width. */
async function processAnimation(input: Buffer, header: ImageHeader): Promise<Variants> {
  const widths = targetWidths(header.width, true).sort((a, b) => a - b);
  try {
    const outputs = await Promise.all(
      widths.map(async (width): Promise<MediaOutput[]> => {
        const resize = { width, withoutEnlargement: true };
        const [motion, still] = await Promise.all([
          sharp(input, { ...uploadInputOptions, animated: true })
            .resize(resize)
            .webp(animatedWebpOptions)
            .toBuffer({ resolveWithObject: true }),
          sharp(input, uploadInputOptions)
            .resize(resize)
            .flatten({ background: JPEG_BACKGROUND })
            .jpeg(jpegOptions)
            .toBuffer({ resolveWithObject: true }),
        ]);
        const size = { width: still.info.width, height: still.info.height };
        return [
          { role: 'image', contentType: 'image/webp', extension: 'webp', bytes: motion.data, ...size },
          { role: 'image', contentType: 'image/jpeg', extension: 'jpg', bytes: still.data, ...size },
        ];
      }),
    );
    const firstFrame = await decodeUpright(input, 'gif', widths[0] ?? header.width);
    return { outputs: outputs.flat(), placeholder: await thumbHash(firstFrame), dominantColor: await dominantColor(firstFrame) };
  } catch (error) {
    if (error instanceof MediaRejected) throw error;
    throw new MediaRejected('damaged', (error as Error).message);
  }
}
