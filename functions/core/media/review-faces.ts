import { detectFaces } from './faces/detect';
import type { FaceStep } from './faces/step';

/**
 * The face step of a draft's photo under review (create's `reviewFaces`): searched as thoroughly as a
 * photo to be blurred (tile by tile, so the small faces of a class photo are outlined too), nothing
 * blurred yet. These outputs stay in the draft; the submit renders the photo again from its original
 * with the poster's choices (posts/face-review.ts), and the detector finds the same faces in the same
 * order, so each choice lands on the face it was made for.
 */
export const reviewFaceStep: FaceStep = {
  blurs: false,
  apply: async (image) => ({
    image,
    faces: (await detectFaces(image, { thorough: true })).map((box) => ({ ...box, blur: false })),
  }),
};
