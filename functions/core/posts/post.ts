import * as z from 'zod';
import { faceChoices, faceSchema } from '../media/faces/box';
import { mediaKinds, storedOutputSchema } from '../media/media';
import { segmentPlanSchema } from '../segment-job';

/**
 * Who may see a post. `public` reaches every public channel; `school` and `class:<id>` reach only
 * families (their private channels), never a public feed, page or embed.
 */
export const audienceSchema = z.union([
  z.literal('public'),
  z.literal('school'),
  z.string().regex(/^class:[a-z0-9][a-z0-9-]{0,40}$/, 'a class audience looks like class:<id>'),
]);
export type Audience = z.infer<typeof audienceSchema>;

/** `public` and `school` stand alone; classes may be combined. */
export const audienceListSchema = z
  .array(audienceSchema)
  .min(1)
  .max(20)
  .transform((list) => [...new Set(list)])
  .refine((list) => list.length === 1 || list.every((a) => a.startsWith('class:')), {
    message: '`public` and `school` cannot be combined with other audiences',
  });

export const isPublic = (audience: readonly string[]) => audience.includes('public');

/**
 * The post state machine (see lifecycle.ts for its transitions):
 * draft → processing → (pending_approval) → (scheduled) → published → retracted, or failed.
 */
export const postStates = ['draft', 'processing', 'pending_approval', 'scheduled', 'published', 'failed', 'retracted'] as const;
export type PostState = (typeof postStates)[number];

export const failureSchema = z.object({ code: z.string(), message: z.string() });
export type Failure = z.infer<typeof failureSchema>;

export const MAX_CAPTION_LENGTH = 5000;
export const MAX_MEDIA_PER_POST = 20;

export const postSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  audience: z.array(audienceSchema),
  caption: z.string().max(MAX_CAPTION_LENGTH),
  state: z.enum(postStates),
  mediaIds: z.array(z.string()),
  failure: failureSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().optional(),
  /** When a scheduled post goes live ("publish at 15:30"). */
  publishAt: z.string().nullish(),
  retractedAt: z.string().optional(),
  /** Lower-case #hashtags of the caption, collated into tag feeds. */
  tags: z.array(z.string()).default([]),
  /** Bumped by every change the channels must reflect; the fan-out records what it last rendered. */
  version: z.number().int(),
  renderedVersion: z.number().int().default(0),
  /** The channels the post was last rendered into: where a retract or an audience edit must clean up. */
  renderedChannels: z.array(z.string()).default([]),
  /** When the channels last caught up with the post (for "gone everywhere in N ms"). */
  renderedAt: z.string().optional(),
  createdBy: z.string(),
  /** Admins' posts skip approval; staff posts wait for it when the school asks. */
  authorRole: z.enum(['admin', 'staff']).default('staff'),
  /** The classes whose pupils appear in the files, when the poster said (the consent check's scope). */
  pictured: z.array(z.string()).optional(),
  /** Why an admin last sent the post back to its author's drafts, and who, when. */
  sentBack: z.object({ reason: z.string(), by: z.string(), at: z.string() }).optional(),
  /** Parents hear at once, whatever their digest and quiet hours (admins only). */
  urgent: z.boolean().default(false),
});
export type Post = z.infer<typeof postSchema>;

/** awaiting_upload → uploaded (the storage event arrived) → processing → ready | failed(reason). */
export const mediaStates = ['awaiting_upload', 'uploaded', 'processing', 'ready', 'failed'] as const;
export type MediaState = (typeof mediaStates)[number];

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
  /** A face edit waiting for the media worker: the new blur flag of each face (media/faces/edit.ts). */
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
