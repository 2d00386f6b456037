import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailed } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { checkConsent, recordConsentConfirmation } from '../consent/check';
import type { Deps } from '../deps';
import { closedClassReason } from '../schools/classes';
import { getSchool } from '../schools/school';
import { extractTags } from './caption';
import { PostInputError } from './create';
import { audienceListSchema, isPublic, MAX_CAPTION_LENGTH, type Post } from './post';
import { lifecycleContext, settlePost } from './settle';
import { getPostWithMedia, pendingPartitions } from './store';
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
 * disappears from the public feed).
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
  const changes: Record<string, unknown> = { updatedAt: deps.now().toISOString() };
  if (input.caption !== undefined) Object.assign(changes, { caption: input.caption, tags: extractTags(input.caption) });
  if (input.audience) changes.audience = input.audience;
  if (input.publishAt !== undefined) changes.publishAt = input.publishAt ? new Date(input.publishAt).toISOString() : null;
  const rerender = post.state === 'published';
  if (rerender) Object.assign(changes, { gsi1pk: pendingPartitions.fanout, gsi1sk: changes.updatedAt });
  if (post.state === 'scheduled' && changes.publishAt) changes.gsi1sk = changes.publishAt;
  const names = Object.fromEntries(Object.keys(changes).map((k, i) => [`#f${i}`, k]));
  const values = Object.fromEntries(Object.values(changes).map((v, i) => [`:v${i}`, v]));
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(postId),
        UpdateExpression: `SET ${Object.keys(changes)
          .map((_, i) => `#f${i} = :v${i}`)
          .join(', ')}${rerender ? ', version = version + :one' : ''}`,
        ConditionExpression: 'version = :version AND #state = :state',
        ExpressionAttributeNames: { ...names, '#state': 'state' },
        ExpressionAttributeValues: {
          ...values,
          ':version': post.version,
          ':state': post.state,
          ...(rerender ? { ':one': 1 } : {}),
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new PostInputError('The post changed while you were editing it; please try again.');
    throw error;
  }
  await recordAudit(deps, principal.schoolId, principal, 'post_edited', postId, {
    changed: (['caption', 'audience', 'publishAt'] as const).filter((key) => input[key] !== undefined),
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
export async function submitDraft(deps: Deps, principal: Principal, postId: string): Promise<void> {
  const current = await getPostWithMedia(deps, postId);
  if (!current || current.post.schoolId !== principal.schoolId) throw new PostNotFound();
  if (current.post.state !== 'draft') return;
  if (await applyEvent(deps, current.post, { kind: 'submit' }, await lifecycleContext(deps, current.post))) {
    await recordAudit(deps, principal.schoolId, principal, 'post_submitted', postId);
  }
  await settlePost(deps, postId);
}

export class PostNotFound extends Error {
  override name = 'PostNotFound';
  constructor() {
    super('There is no such post in your school.');
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
