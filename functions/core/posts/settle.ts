import type { Deps } from '../deps';
import { getSchool } from '../schools/school';
import type { LifecycleContext } from './lifecycle';
import type { Post, PostState } from './post';
import { getPostWithMedia, type PostWithMedia } from './store';
import { applyEvent } from './transition';

/** The facts the state machine needs about a post's school, now. */
export async function lifecycleContext(deps: Deps, post: Post): Promise<LifecycleContext> {
  const school = await getSchool(deps, post.schoolId);
  return { now: deps.now(), needsApproval: (school?.requiresApproval ?? false) && post.authorRole !== 'admin' };
}

/**
 * Moves a processing post on once its media settled: every file ready → released (published, pending
 * approval or scheduled); any file failed → failed with that file's reason, so nothing half-processed
 * is published. Safe to call any number of times: only the winner of the conditional write acts. While
 * the post is processing it sits in the settle partition, where the sweeper calls this again after a
 * crash. Returns the state it moved the post to, if it did.
 */
export async function settlePost(deps: Deps, postId: string, read?: PostWithMedia): Promise<PostState | undefined> {
  // A caller that has just read the post (jobs/media/retracted.ts) hands it on rather than read it twice.
  const current = read ?? (await getPostWithMedia(deps, postId));
  if (current?.post.state !== 'processing') return undefined;
  const { post, media } = current;
  const failed = media.find((m) => m.state === 'failed');
  if (failed) {
    const failure = failed.failure ?? { code: 'failed', message: 'A file could not be processed.' };
    return applyEvent(deps, post, { kind: 'media_failed' }, await lifecycleContext(deps, post), { failure });
  }
  if (media.every((m) => m.state === 'ready'))
    return applyEvent(deps, post, { kind: 'media_ready' }, await lifecycleContext(deps, post));
  return undefined;
}
