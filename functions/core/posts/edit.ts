import * as z from 'zod';
import { audienceListSchema, isPublic } from '../audience';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { checkConsent, recordConsentConfirmation } from '../consent/check';
import type { Deps } from '../deps';
import { DomainError } from '../errors';
import { closedClassReason, getSchool } from '../schools/school';
import { extractTags } from './caption';
import { PostInputError } from './create';
import { type SubmitInput, settleFaceReview } from './face-review';
import { notifyApprovers } from './notify-approvers';
import { MAX_CAPTION_LENGTH, type Post } from './post';
import { editNeedsApproval, heldChanges, holdRevision } from './revision';
import { lifecycleContext, settlePost } from './settle';
import { getPostWithMedia, updatePost } from './store';
import { applyEvent } from './transition';

export const editPostSchema = z
  .object({
    caption: z.string().max(MAX_CAPTION_LENGTH).optional(),
    audience: z
      .union([z.string(), z.array(z.string())])
      .transform((a) => (Array.isArray(a) ? a : [a]))
      .pipe(audienceListSchema)
      .optional(),
    publishAt: z.iso.datetime({ offset: true }).nullable().optional(),
    /** Widening the audience of a post with files is checked against photo consent like a new post. */
    consentConfirmed: z.boolean().optional(),
  })
  .strict();
export type EditPostInput = z.input<typeof editPostSchema>;

/**
 * Edits a post's caption, audience or time. A published post gets a new version, and the fan-out
 * re-renders every channel it was in or is now in (an audience narrowed from public to a class
 * disappears from the public feed, and its media move to new addresses: see channels/rekey.ts). At a
 * school that asks for approval, a staff member's new caption or wider audience for an approved post
 * waits in the approval queue instead (revision.ts).
 */
export async function editPost(deps: Deps, principal: Principal, postId: string, raw: EditPostInput): Promise<Post> {
  const input = editPostSchema.parse(raw);
  const current = await getPostWithMedia(deps, postId);
  if (!current || current.post.schoolId !== principal.schoolId) throw new PostNotFound();
  const { post } = current;
  if (post.state === 'retracted') throw new PostInputError('This post was retracted; it can no longer be edited.');
  if (input.audience) await checkClasses(deps, principal.schoolId, input.audience);
  const school = await getSchool(deps, principal.schoolId);
  const consentConfirmedFor =
    input.audience && school && post.mediaIds.length > 0
      ? await checkConsent(deps, school, {
          audience: input.audience,
          pictured: post.pictured,
          confirmed: input.consentConfirmed ?? false,
        })
      : [];
  // At a school that asks for approval, what widens or changes an approved post waits for an admin.
  const held = editNeedsApproval(school, principal, post) ? heldChanges(post, input) : {};
  const applied = {
    caption: held.caption === undefined ? input.caption : undefined,
    audience: held.audience ? undefined : input.audience,
    publishAt: input.publishAt,
  };
  const changes: Record<string, unknown> & { updatedAt: string } = { updatedAt: deps.now().toISOString() };
  if (applied.caption !== undefined) Object.assign(changes, { caption: applied.caption, tags: extractTags(applied.caption) });
  if (applied.audience) changes.audience = applied.audience;
  if (applied.publishAt !== undefined) changes.publishAt = applied.publishAt ? new Date(applied.publishAt).toISOString() : null;
  const changing = Object.keys(changes).length > 1;
  const rerender = changing && post.state === 'published';
  // One conditional write (a new version when the channels must re-render it).
  if (changing && !(await updatePost(deps, post, changes, rerender))) {
    throw new PostInputError('The post changed while you were editing it; please try again.');
  }
  const waiting = Object.keys(held);
  if (waiting.length > 0) {
    const revision = await holdRevision(deps, principal, post, current.revision, held);
    await notifyApprovers(deps, {
      ...post,
      caption: revision.caption ?? post.caption,
      audience: revision.audience ?? post.audience,
    });
  }
  await recordAudit(deps, principal.schoolId, principal, 'post_edited', postId, {
    changed: (['caption', 'audience', 'publishAt'] as const).filter((key) => input[key] !== undefined),
    ...(waiting.length > 0 ? { waitingForApproval: waiting } : {}),
  });
  if (school && input.audience) {
    await recordConsentConfirmation(deps, principal, school, postId, input.audience, consentConfirmedFor);
  }
  if (rerender) await deps.queues.fanout({ kind: 'publish', postId });
  const updated = await getPostWithMedia(deps, postId);
  if (!updated) throw new PostNotFound();
  // A scheduled post moved to the past is due now.
  if (updated.post.state === 'scheduled')
    await applyEvent(deps, updated.post, { kind: 'due' }, await lifecycleContext(deps, updated.post));
  return updated.post;
}

/** Sends a draft: its files keep processing (or are done) and it is released like any new post. */
export async function submitDraft(deps: Deps, principal: Principal, postId: string, input: SubmitInput = {}): Promise<void> {
  const current = await getPostWithMedia(deps, postId);
  if (!current || current.post.schoolId !== principal.schoolId) throw new PostNotFound();
  if (current.post.state !== 'draft') return;
  // Before the submit: once processing, the post goes out as soon as its files are ready.
  await settleFaceReview(deps, principal, current, input);
  if (await applyEvent(deps, current.post, { kind: 'submit' }, await lifecycleContext(deps, current.post))) {
    await recordAudit(deps, principal.schoolId, principal, 'post_submitted', postId);
  }
  await settlePost(deps, postId);
}

export class PostNotFound extends DomainError {
  override name = 'PostNotFound';
  constructor() {
    super('not_found', 404, 'There is no such post in your school.');
  }
}

async function checkClasses(deps: Deps, schoolId: string, audience: string[]): Promise<void> {
  if (isPublic(audience) || audience.includes('school')) return;
  const school = await getSchool(deps, schoolId);
  const unknown = audience.filter((a) => !school?.classes.some((c) => `class:${c.id}` === a));
  if (unknown.length > 0) throw new PostInputError(`unknown class: ${unknown.join(', ')}`);
  const archived = school?.classes.find((k) => k.archived && audience.includes(`class:${k.id}`));
  if (archived) throw new PostInputError(closedClassReason(archived) ?? '');
}
