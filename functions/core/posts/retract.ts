import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { lifecycleContext } from './settle';
import { getPostWithMedia } from './store';
import { applyEvent } from './transition';

/**
 * Retracts a post of the caller's school: one action, and the fan-out removes it from every channel and
 * deletes its media. Retracting twice is harmless (the job is re-sent; it converges on "absent").
 * Returns false when there is no such post in the caller's school.
 */
export async function retractPost(deps: Deps, principal: Principal, postId: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getPostWithMedia(deps, postId);
    if (!current || current.post.schoolId !== principal.schoolId) return false;
    if (current.post.state === 'retracted') {
      await deps.queues.fanout({ kind: 'retract', postId });
      return true;
    }
    const context = await lifecycleContext(deps, current.post);
    if (await applyEvent(deps, current.post, { kind: 'retract' }, context)) {
      await recordAudit(deps, principal.schoolId, principal, 'post_retracted', postId, { was: current.post.state });
      return true;
    }
    // Lost a race with another change (an edit, the worker): read again and retry.
  }
  throw new Error(`post ${postId} kept changing while being retracted`);
}
