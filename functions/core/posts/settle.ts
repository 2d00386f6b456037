import type { Deps } from '../deps';
import { getSchool } from '../schools/school';
import type { LifecycleContext } from './lifecycle';
import type { Post } from './post';
import { getPostWithMedia } from './store';
import { applyEvent } from './transition';

/** The facts the state machine needs about a post's school, now. */
export async function lifecycleContext(deps: Deps, post: Post): Promise<LifecycleContext> {
  const school = await getSchool(deps, post.schoolId);
  return { now: deps.now(), needsApproval: (school?.requiresApproval ?? false) && post.authorRole !== 'admin' };
}

/**
 * Moves a processing post on once its media settled: every file ready → released (published, pending
 * approval or scheduled); any file failed → failed with that file's reason, so nothing half-processed
 * is published. Safe to call any number of times: only the winner of the conditional write acts.
 */
export async function settlePost(deps: Deps, postId: string): Promise<void> {
  const current = await getPostWithMedia(deps, postId);
  if (current?.post.state !== 'processing') return;
  const { post, media } = current;
  const failed = media.find((m) => m.state === 'failed');
  if (failed) {
    const failure = failed.failure ?? { code: 'failed', message: 'A file could not be processed.' };
    await applyEvent(deps, post, { kind: 'media_failed' }, await lifecycleContext(deps, post), { failure });
    return;
  }
  if (media.every((m) => m.state === 'ready'))
    await applyEvent(deps, post, { kind: 'media_ready' }, await lifecycleContext(deps, post));
}
