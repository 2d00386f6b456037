import { isPublic } from '../audience';
import type { Deps } from '../deps';
import { requeuePublishedPost, schoolPostIdPages } from '../posts/school-posts-store';
import { getPostWithMedia } from '../posts/store';

/**
 * After a school joined or left its trust's wall: every published public post of the school gets a new
 * version and a publish job, so the fan-out — which makes each channel agree with the post — adds it to
 * the wall, or takes it off and re-renders the wall without it. Content is unchanged (no new "updated"
 * time, and no second notification: a post's notification plan is made once). Returns how many posts.
 */
export async function resyncWall(deps: Deps, schoolId: string): Promise<number> {
  let count = 0;
  for await (const page of schoolPostIdPages(deps, schoolId)) {
    for (const postId of page) {
      const current = await getPostWithMedia(deps, postId);
      if (current?.post.state !== 'published' || !isPublic(current.post.audience)) continue;
      // Changed meanwhile (edited, retracted): that change has its own job, which reads the school anew.
      if (!(await requeuePublishedPost(deps, current.post.id, current.post.version))) continue;
      await deps.queues.fanout({ kind: 'publish', postId: current.post.id });
      count++;
    }
  }
  return count;
}
