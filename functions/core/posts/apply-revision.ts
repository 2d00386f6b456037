import type { Deps } from '../deps';
import type { Post, Revision } from './post';
import { dropRevision } from './revision-store';
import { updatePost } from './store';

/**
 * An admin approved a change to an approved post: the post takes the revision's caption and audience
 * (a new version the fan-out renders, when it is live) and the revision goes. A crash between the two
 * leaves the revision in the queue; approving it again writes the same values, so nothing is lost or
 * doubled. False when the post changed meanwhile (the admin looks again).
 */
export async function applyRevision(deps: Deps, post: Post, revision: Revision): Promise<boolean> {
  const live = post.state === 'published';
  const fields = {
    updatedAt: deps.now().toISOString(),
    ...(revision.caption !== undefined ? { caption: revision.caption, tags: revision.tags ?? [] } : {}),
    ...(revision.audience ? { audience: revision.audience } : {}),
  };
  if (!(await updatePost(deps, post, fields, live))) return false;
  await dropRevision(deps, post.id);
  if (live) await deps.queues.fanout({ kind: 'publish', postId: post.id });
  return true;
}
