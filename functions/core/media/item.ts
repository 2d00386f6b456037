import * as z from 'zod';
import { failureSchema } from '../errors';
import { segmentPlanSchema } from '../segment-job';
import { faceChoices, faceSchema } from './faces/box';
import { mediaKinds, storedOutputSchema } from './media';

/** awaiting_upload → uploaded (the storage event arrived) → processing → ready | failed(reason). */
export const mediaStates = ['awaiting_upload', 'uploaded', 'processing', 'ready', 'failed'] as const;

export const mediaItemSchema = z.object({
  id: z.string(),
  postId: z.string(),
  schoolId: z.string(),
  index: z.number().int(),
  alt: z.string().default(''),
  declaredType: z.string(),
  declaredBytes: z.number().int(),
  state: z.enum(mediaStates),
  kind: z.enum(mediaKinds).optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  durationSeconds: z.number().optional(),
  placeholder: z.string().optional(),
  dominantColor: z.string().optional(),
  outputs: z.array(storedOutputSchema).default([]),
  progress: z.number().min(0).max(100).optional(),
  failure: failureSchema.optional(),
  leaseUntil: z.string().optional(),
  attempts: z.number().int().default(0),
  /** WebVTT captions given with a video; stored beside its outputs once the video is ready. */
  captions: z.string().optional(),
  /** A long video while its pieces are encoded in parallel: the split's plan, and the pieces done. */
  segments: segmentPlanSchema.optional(),
  segmentsDone: z.set(z.number()).optional(),
  /** A large file's S3 multipart upload, and the ETag of each part the client reported as arrived. */
  uploadId: z.string().optional(),
  parts: z.record(z.string(), z.string()).optional(),
  /**
   * Blur the faces found in this photo (or video poster), or keep them: set when the post is created,
   * from the poster's choice or the consent rules (media/faces/rules.ts).
   */
  faceChoice: z.enum(faceChoices).optional(),
  /** The faces found, in relative coordinates, each blurred in every output or not. */
  faces: z.array(faceSchema).optional(),
  /** A face edit waiting for the media worker: the new blur flag of each face (posts/face-edit.ts). */
  faceEdit: z.array(z.boolean()).optional(),
  /**
   * A draft's photo whose faces the poster chooses one by one (create's `reviewFaces`): searched and kept
   * clear, its original kept (never served) until the submit renders it as chosen (posts/face-review.ts).
   */
  faceReview: z.boolean().optional(),
  /** Why the rules start a reviewed photo's faces blurred, for the composer to say (media/faces/rules.ts). */
  faceBlurReason: z.enum(['consent', 'setting']).optional(),
  /** The post version whose narrowing last moved the outputs to new keys (channels/rekey.ts). */
  keyEpoch: z.number().int().optional(),
  /** Keys the outputs had before that move: deleted from storage and the CDN once the channels moved on. */
  retiredKeys: z.array(z.string()).optional(),
  createdAt: z.string(),
});
export type MediaItem = z.infer<typeof mediaItemSchema>;

/** Every key the items' outputs are stored under in the site bucket, current and retired: what a retract deletes. */
export const storedKeysOf = (media: MediaItem[]): string[] =>
  media.flatMap((m) => [...m.outputs.map((o) => o.key), ...(m.retiredKeys ?? [])]);
