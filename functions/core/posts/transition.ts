import type { Deps } from '../deps';
import type { Failure } from '../errors';
import { type LifecycleContext, nextState, type PostEvent } from './lifecycle';
import { notifyApprovers } from './notify-approvers';
import type { Post, PostState } from './post';
import { transitionPost } from './store';

/** States whose entry the channels must hear about (they appear, or they vanish). */
const fanoutStates = new Set<PostState>(['published', 'retracted']);

/**
 * Applies an event to a post with a conditional write on its current state and version, so of two
 * racing callers exactly one wins; only the winner sends the follow-up message. Returns the new state,
 * or undefined when the event did not apply (or someone else already applied it).
 */
export async function applyEvent(
  deps: Deps,
  post: Post,
  event: PostEvent,
  context: LifecycleContext,
  extra: { failure?: Failure; sentBack?: Post['sentBack'] } = {},
): Promise<PostState | undefined> {
  const to = nextState(post, event, context);
  if (!to || to === post.state) return undefined;
  const now = deps.now().toISOString();
  const fields = {
    updatedAt: now,
    ...(to === 'published' && !post.publishedAt ? { publishedAt: now } : {}),
    ...(to === 'retracted' ? { retractedAt: now } : {}),
    ...(extra.sentBack ? { sentBack: extra.sentBack } : {}),
    ...(extra.failure ? { failure: extra.failure } : {}),
  };
  if (!(await transitionPost(deps, post, to, fields))) return undefined;
  if (fanoutStates.has(to)) await deps.queues.fanout({ kind: to === 'retracted' ? 'retract' : 'publish', postId: post.id });
  if (to === 'pending_approval') await notifyApprovers(deps, post);
  return to;
}
