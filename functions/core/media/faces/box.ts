import * as z from 'zod';

/** What the poster chose for a file's faces: blur every face found, or keep them as they are. */
export const faceChoices = ['blur', 'keep'] as const;
export type FaceChoice = (typeof faceChoices)[number];

/**
 * A face found in a picture: where it is, as fractions of the upright picture's width and height (so a
 * box holds at every published width), and whether it is blurred. Nothing else about the face is kept:
 * no landmarks, no score, no description — a box is not biometric data.
 */
export const faceSchema = z.object({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  w: z.number().positive().max(1),
  h: z.number().positive().max(1),
  blur: z.boolean(),
});
export type Face = z.infer<typeof faceSchema>;
export type FaceBox = Omit<Face, 'blur'>;

/** A box in pixels of a picture `width`×`height` wide, clamped to the picture. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function toPixels(box: FaceBox, width: number, height: number, grow = 0): PixelBox {
  const left = Math.max(0, Math.floor((box.x - (box.w * grow) / 2) * width));
  const top = Math.max(0, Math.floor((box.y - (box.h * grow) / 2) * height));
  const right = Math.min(width, Math.ceil((box.x + box.w * (1 + grow / 2)) * width));
  const bottom = Math.min(height, Math.ceil((box.y + box.h * (1 + grow / 2)) * height));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

export function toRelative(box: PixelBox, width: number, height: number): FaceBox {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const x = clamp(box.left / width);
  const y = clamp(box.top / height);
  return {
    x,
    y,
    w: Math.max(1e-6, clamp((box.left + box.width) / width) - x),
    h: Math.max(1e-6, clamp((box.top + box.height) / height) - y),
  };
}

const area = (b: PixelBox) => b.width * b.height;

function overlap(a: PixelBox, b: PixelBox): number {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union: how much two boxes are the same box. */
export const iou = (a: PixelBox, b: PixelBox) => {
  const inter = overlap(a, b);
  return inter === 0 ? 0 : inter / (area(a) + area(b) - inter);
};

/**
 * One box per face when several passes (the whole picture and its tiles) found it: a box that mostly
 * covers, or is mostly covered by, a better-scored one is the same face (a tile edge can cut a face, so
 * a half box inside a whole one counts too).
 */
export function mergeDetections<T extends PixelBox & { score: number }>(found: T[]): T[] {
  const kept: T[] = [];
  for (const box of [...found].sort((a, b) => b.score - a.score)) {
    const same = kept.some((k) => iou(k, box) > 0.3 || overlap(k, box) > 0.6 * Math.min(area(k), area(box)));
    if (!same) kept.push(box);
  }
  return kept;
}
