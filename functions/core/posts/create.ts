import { createHash } from 'node:crypto';
import * as z from 'zod';
import { audienceListSchema } from '../audience';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { confirmedOrRefused, picturedSchema, pupilsNotToIdentify, recordConsentConfirmation } from '../consent/check';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { callerIdentity, consumeRateLimit, POSTS_PER_CALLER } from '../limits/rate-limit';
import { planFaces } from '../media/faces/rules';
import type { MediaItem } from '../media/item';
import { createMediaSlot } from '../media/item-store';
import { type UploadInstruction, uploadInstruction } from '../media/upload-instruction';
import { declaredKind, uploadRequestSchema } from '../media/uploads';
import { closedClassReason, getSchool } from '../schools/school';
import { extractTags } from './caption';
import { MAX_CAPTION_LENGTH, MAX_MEDIA_PER_POST } from './post';
import { settlePost } from './settle';
import { createPostItem, getPostWithMedia, type PostWithMedia, putSchoolPostPointer } from './store';

export const createPostSchema = z.object({
  /** Chosen by the client (e.g. a UUID) and reused on every retry of the same post. */
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'use 8–128 letters, digits, - or _'),
  /** Optional check that the caller posts where they think they do. */
  school: z.string().optional(),
  audience: z
    .union([z.string(), z.array(z.string())])
    .transform((a) => (Array.isArray(a) ? a : [a]))
    .pipe(audienceListSchema),
  caption: z.string().max(MAX_CAPTION_LENGTH).default(''),
  media: z.array(uploadRequestSchema).max(MAX_MEDIA_PER_POST).default([]),
  /** Keep it as a draft: files are processed, nothing is published until it is submitted. */
  draft: z.boolean().default(false),
  /**
   * The composer's flow: the draft's photos are searched for faces and kept clear until the poster has
   * chosen face by face, and the choice (with any consent confirmation it makes) comes with the submit
   * (posts/face-review.ts). Only for drafts: nothing is published before the choice.
   */
  reviewFaces: z.boolean().default(false),
  /** Publish at this time instead of as soon as it is ready. */
  publishAt: z.iso.datetime({ offset: true }).optional(),
  /** The classes whose pupils appear in the files (default: the audience's classes, or every class). */
  pictured: picturedSchema.optional(),
  /** The poster confirms that no pupil whose photo consent is narrower than the audience can be identified. */
  consentConfirmed: z.boolean().default(false),
  /** Reaches parents at once, through their evening digest and quiet hours (a snow closure). Admins only. */
  urgent: z.boolean().default(false),
});
export type CreatePostInput = z.input<typeof createPostSchema>;

/** A refusal the caller can fix, with the words to show them. */
export class PostInputError extends DomainError {
  override name = 'PostInputError';
  constructor(message: string, options?: DomainErrorOptions) {
    super('invalid_post', 422, message, options);
  }
}

/**
 * Ids derive from (school, idempotency key): a retried create after a timeout or a crash lands on the
 * same items, so no second post can appear, without a separate idempotency record to keep in sync.
 */
const deriveId = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22);

/**
 * Creates a post and its media slots, and returns where to upload each file. Calling it again with the
 * same idempotency key returns the same post (and fresh URLs for files not yet uploaded).
 */
export async function createPost(
  deps: Deps,
  principal: Principal,
  rawInput: CreatePostInput,
): Promise<PostWithMedia & { uploads: UploadInstruction[]; created: boolean }> {
  const input = createPostSchema.parse(rawInput);
  if (input.school && input.school !== principal.schoolId) {
    throw new PostInputError(`this token belongs to school "${principal.schoolId}", not "${input.school}"`);
  }
  const school = await getSchool(deps, principal.schoolId);
  if (!school) throw new PostInputError(`school ${principal.schoolId} does not exist`);
  const unknownClasses = input.audience
    .filter((a) => a.startsWith('class:'))
    .filter((a) => !school.classes.some((c) => `class:${c.id}` === a));
  const unknownPictured = (input.pictured ?? []).filter((id) => !school.classes.some((c) => c.id === id));
  if (unknownClasses.length > 0 || unknownPictured.length > 0) {
    throw new PostInputError(`unknown class: ${[...unknownClasses, ...unknownPictured].join(', ')}`);
  }
  const archived = school.classes.find((k) => k.archived && input.audience.includes(`class:${k.id}`));
  if (archived) throw new PostInputError(closedClassReason(archived) ?? '');
  if (input.caption.trim() === '' && input.media.length === 0) throw new PostInputError('a post needs a caption or a file');
  if (input.reviewFaces && !input.draft) {
    throw new PostInputError('faces are chosen one by one in a draft only: send "draft": true with "reviewFaces"');
  }
  if (input.urgent && principal.role !== 'admin') {
    throw new PostInputError('only an admin can mark a post urgent: it reaches parents at once, even at night');
  }
  const restricted = input.media.length > 0 ? await pupilsNotToIdentify(deps, school, input.audience, input.pictured) : [];
  // Faces start blurred when the rules say so; blurred pictures then need no confirmation, anything else does.
  // A photo under review goes out only as chosen at the submit, which asks for the confirmation then.
  const reviewed = (file: { contentType: string }) => input.reviewFaces && declaredKind(file.contentType) === 'image';
  const rules = { audience: input.audience, restrictedPupils: restricted.length, blurFacesInPublic: school.blurFacesInPublic };
  const { needsConfirmation, kept } = planFaces({
    ...rules,
    files: input.media.map((file) => (reviewed(file) ? { ...file, faces: 'blur' as const } : file)),
  });
  const { files, reason } = planFaces({ ...rules, files: input.media });
  const consentConfirmedFor = needsConfirmation
    ? confirmedOrRefused(school, input.audience, restricted, input.consentConfirmed)
    : [];
  await consumeRateLimit(
    deps,
    POSTS_PER_CALLER,
    callerIdentity(principal),
    'You have posted a great many times in the last few minutes. Please wait a few minutes and try again.',
  );

  const postId = deriveId(school.id, input.idempotencyKey);
  const now = deps.now().toISOString();
  const media: MediaItem[] = files.map((file, index) => ({
    id: deriveId(postId, String(index)),
    postId,
    schoolId: school.id,
    index,
    alt: file.alt,
    declaredType: file.contentType,
    declaredBytes: file.bytes,
    captions: file.captions,
    faceChoice: file.faces,
    ...(reviewed(file) ? { faceReview: true, faceBlurReason: reason } : {}),
    state: 'awaiting_upload',
    outputs: [],
    attempts: 0,
    createdAt: now,
  }));
  // Media slots first: a crash before the post is written leaves slots a retry reuses, never a post
  // that points at missing slots.
  for (const item of media) await createMediaSlot(deps, item);
  const created = await createPostItem(deps, {
    id: postId,
    schoolId: school.id,
    audience: input.audience,
    caption: input.caption,
    state: input.draft ? 'draft' : 'processing',
    mediaIds: media.map((m) => m.id),
    tags: extractTags(input.caption),
    publishAt: input.publishAt ? new Date(input.publishAt).toISOString() : undefined,
    authorRole: principal.role,
    pictured: input.pictured,
    urgent: input.urgent,
    createdAt: now,
    updatedAt: now,
    version: 0,
    renderedVersion: 0,
    createdBy: principal.label,
  });
  if (created) {
    await recordAudit(deps, school.id, principal, 'post_created', postId, {
      audience: input.audience,
      files: media.length,
      state: input.draft ? 'draft' : 'submitted',
    });
    await recordConsentConfirmation(deps, principal, school, postId, input.audience, consentConfirmedFor, kept);
  }
  if (media.length === 0) await settlePost(deps, postId);
  const current = await getPostWithMedia(deps, postId);
  if (!current) throw new Error(`post ${postId} vanished after it was written`);
  if (current.post.schoolId !== school.id) throw new PostInputError('that idempotency key belongs to another school');
  // The listing pointer uses the stored createdAt, so a retried create rewrites the same item.
  await putSchoolPostPointer(deps, current.post);
  const uploads = await Promise.all(
    current.media.filter((m) => m.state === 'awaiting_upload').map((m) => uploadInstruction(deps, m)),
  );
  return { ...current, uploads, created };
}
