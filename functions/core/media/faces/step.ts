import type { RawImage } from '../image/placeholder';
import { blurFaces } from './blur';
import type { Face, FaceBox, FaceChoice } from './box';
import { detectFaces } from './detect';

/**
 * The photo pipeline's face step, run on the decoded picture before any output is made from it: finds
 * the faces, marks each blurred or not, and destroys the blurred ones. Returns the picture to render
 * from and the faces to record on the media item.
 */
export interface FaceStep {
  /** Whether any face may be blurred (an animation that must be blurred is published still). */
  blurs: boolean;
  apply(image: RawImage): Promise<{ image: RawImage; faces: Face[] }>;
}

/**
 * The step for one file. `chosen` are per-face choices already made (in the order the detector returns
 * them, which is deterministic for the same picture); a face without one takes the file's choice.
 * `modelDir` is where the detector's model is (`Config.faceModelDir`; absent: the repository's).
 */
export function faceStep(
  choice: FaceChoice,
  options: { chosen?: readonly boolean[]; detect?: (image: RawImage) => Promise<FaceBox[]>; modelDir?: string } = {},
): FaceStep {
  const detect = options.detect ?? ((image: RawImage) => detectFaces(image, options.modelDir));
  const blurs = choice === 'blur' || (options.chosen ?? []).some(Boolean);
  return {
    blurs,
    apply: async (image) => {
      // The same search whether faces are blurred or kept: the outlines the composer shows are the faces
      // a blur would destroy.
      const boxes = await detect(image);
      const faces = boxes.map((box, i) => ({ ...box, blur: options.chosen?.[i] ?? choice === 'blur' }));
      return { image: await blurFaces(image, faces), faces };
    },
  };
}

/** The face step of a media item: none for items made before faces were looked for. */
export const faceStepOf = (
  item: { faceChoice?: FaceChoice; faces?: readonly Face[] },
  modelDir?: string,
): FaceStep | undefined =>
  item.faceChoice ? faceStep(item.faceChoice, { chosen: item.faces?.map((f) => f.blur), modelDir }) : undefined;
