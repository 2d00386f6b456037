import { detectFaces } from './faces/detect';
import { type FaceStep, faceStep, faceStepOf } from './faces/step';
import type { MediaItem } from './item';

/**
 * The face step of a draft's photo under review (create's `reviewFaces`): faces found, nothing blurred
 * yet. What is outlined is exactly what can be blurred: the render after the submit uses these very boxes.
 */
const reviewStep = (modelDir: string | undefined): FaceStep => ({
  blurs: false,
  apply: async (image) => ({ image, faces: (await detectFaces(image, modelDir)).map((box) => ({ ...box, blur: false })) }),
});

/**
 * The face step of a media item. A reviewed photo comes back after the submit with its faces already
 * on the item (nothing else has faces before it is processed): it is rendered with those boxes and the
 * teacher's flags, without searching again, so each choice lands on the face it was made for.
 */
export function faceStepFor(item: MediaItem, modelDir?: string): FaceStep | undefined {
  if (item.faceReview) return reviewStep(modelDir);
  if (item.faces) {
    const boxes = item.faces.map(({ blur: _blur, ...box }) => box);
    return faceStep('keep', { chosen: item.faces.map((f) => f.blur), detect: async () => boxes });
  }
  return faceStepOf(item, modelDir);
}
