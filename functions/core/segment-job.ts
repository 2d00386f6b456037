import * as z from 'zod';

/**
 * A long video's jobs on the segments queue, and the split plan its media item carries between them.
 * Every job names the split it belongs to (`splitId`): a job of an older split (the item was split again
 * after a crash) finds a different plan and does nothing.
 */

const ids = { postId: z.string().min(1), mediaId: z.string().min(1), splitId: z.string().min(1) };

export const segmentJobSchema = z.discriminatedUnion('kind', [
  /** Encode piece `index` (0-based) of the split. */
  z.object({ kind: z.literal('piece'), ...ids, index: z.number().int().nonnegative() }),
  /** Join the encoded pieces and the sound into the published video. */
  z.object({ kind: z.literal('join'), ...ids }),
]);
export type SegmentJob = z.infer<typeof segmentJobSchema>;
export type SegmentJobKind = SegmentJob['kind'];

/** What the split decided, stored on the media item for the piece and join jobs. */
export const segmentPlanSchema = z.object({
  id: z.string(),
  /** Each piece's span in the source, in seconds (keyframe to keyframe). */
  seconds: z.array(z.number().positive()).min(1),
  hasAudio: z.boolean(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  /** The source's length, which the joined video is checked against. */
  durationSeconds: z.number().optional(),
});
export type SegmentPlan = z.infer<typeof segmentPlanSchema>;
