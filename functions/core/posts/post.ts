import * as z from 'zod';
import { audienceSchema } from '../audience';
import { failureSchema } from '../errors';

/**
 * The post state machine (see lifecycle.ts for its transitions):
 * draft → processing → (pending_approval) → (scheduled) → published → retracted, or failed.
 */
export const postStates = ['draft', 'processing', 'pending_approval', 'scheduled', 'published', 'failed', 'retracted'] as const;
export type PostState = (typeof postStates)[number];

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

/**
 * A change to an approved post held for an admin's approval (revision.ts tells when one is held): here,
 * beside the post, so the stores that read and write it need not import the rules that make it.
 */
export const revisionSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  caption: z.string().optional(),
  tags: z.array(z.string()).optional(),
  audience: z.array(audienceSchema).optional(),
  requestedBy: z.string(),
  requestedAt: z.string(),
});
export type Revision = z.infer<typeof revisionSchema>;
