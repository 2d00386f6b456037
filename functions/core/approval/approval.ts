import * as z from 'zod';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { applyRevision } from '../posts/apply-revision';
import { PostNotFound } from '../posts/edit';
import { notifySentBack } from '../posts/notify-approvers';
import { dropRevision } from '../posts/revision-store';
import { postIdsAwaitingApproval } from '../posts/school-posts-store';
import { lifecycleContext } from '../posts/settle';
import { getPostWithMedia, type PostWithMedia } from '../posts/store';
import { applyEvent } from '../posts/transition';

export const sendBackSchema = z.object({
  reason: z.string().trim().min(1, 'say why, so the author can put it right').max(1000),
});

/** An approval that cannot happen as asked (the post moved on meanwhile), in words. */
export class ApprovalConflict extends DomainError {
  override name = 'ApprovalConflict';
  constructor(message: string, options?: DomainErrorOptions) {
    super('conflict', 409, message, options);
  }
}

/** The school's posts waiting for approval, oldest first, with their media (to look at before approving). */
export async function pendingApprovals(deps: Deps, schoolId: string): Promise<PostWithMedia[]> {
  const ids = await postIdsAwaitingApproval(deps, schoolId);
  const posts = await Promise.all(ids.map((id) => getPostWithMedia(deps, id)));
  // The index is eventually consistent: check each post (or change to a post) is still waiting.
  return posts.filter((p): p is PostWithMedia => p !== undefined && isWaiting(p));
}

/** A new post waiting for approval, or an approved post with a change waiting (revision.ts). */
const isWaiting = ({ post, revision }: PostWithMedia) =>
  post.state === 'pending_approval' || (revision !== undefined && (post.state === 'published' || post.state === 'scheduled'));

async function pendingPost(deps: Deps, admin: Principal, postId: string): Promise<PostWithMedia> {
  const current = await getPostWithMedia(deps, postId);
  if (!current || current.post.schoolId !== admin.schoolId) throw new PostNotFound();
  if (!isWaiting(current)) {
    throw new ApprovalConflict(`This post is not waiting for approval (it is ${current.post.state.replace('_', ' ')}).`);
  }
  return current;
}

/**
 * Approves a post: it goes out now (or at its scheduled time), through the same lifecycle as any post.
 * For an approved post with a change waiting, the change is applied and goes out.
 */
export async function approvePost(deps: Deps, admin: Principal, postId: string): Promise<void> {
  const current = await pendingPost(deps, admin, postId);
  const { post, revision } = current;
  if (post.state !== 'pending_approval' && revision) {
    if (!(await applyRevision(deps, post, revision))) {
      throw new ApprovalConflict('This post changed while you were looking at it; please look again.');
    }
    await recordAudit(deps, admin.schoolId, admin, 'post_approved', postId, {
      change: 'edit',
      changed: (['caption', 'audience'] as const).filter((key) => revision[key] !== undefined),
    });
    return;
  }
  const to = await applyEvent(deps, post, { kind: 'approve' }, await lifecycleContext(deps, post));
  if (!to) throw new ApprovalConflict('This post changed while you were looking at it; please look again.');
  await recordAudit(deps, admin.schoolId, admin, 'post_approved', postId, { state: to });
}

/** Sends a post back to its author's drafts with a reason they are told. */
export async function sendBackPost(deps: Deps, admin: Principal, postId: string, raw: z.input<typeof sendBackSchema>) {
  const { reason } = sendBackSchema.parse(raw);
  const { post, revision } = await pendingPost(deps, admin, postId);
  if (post.state !== 'pending_approval' && revision) {
    // The change is dropped; the post stays as it was approved.
    await dropRevision(deps, postId);
    await recordAudit(deps, admin.schoolId, admin, 'post_sent_back', postId, { change: 'edit', reason });
    await notifySentBack(deps, post, reason, 'edit');
    return;
  }
  const sentBack = { reason, by: admin.label, at: deps.now().toISOString() };
  const to = await applyEvent(deps, post, { kind: 'send_back' }, await lifecycleContext(deps, post), { sentBack });
  if (!to) throw new ApprovalConflict('This post changed while you were looking at it; please look again.');
  await recordAudit(deps, admin.schoolId, admin, 'post_sent_back', postId, { reason });
  await notifySentBack(deps, post, reason);
}
