import type { PostView } from '../../api/client';
import { type ApiTarget, answer, cliApi, segment } from '../api-client';
import { CliError, progressBar, say } from '../output';

/** How long `corridor post` waits for publishing before handing back (a long video may take minutes). */
export const WAIT_LIMIT_MS = 20 * 60 * 1000;
const POLL_MS = 400;

/** Polls a post until every channel shows it, or it failed; shows processing progress meanwhile. */
export async function waitForPost(target: ApiTarget, postId: string): Promise<PostView> {
  const bar = progressBar('Processing');
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    const { post } = await answer(cliApi(target).api.posts[':id'].$get({ param: { id: segment(postId) } }));
    if (post.state === 'failed')
      throw new CliError(`Not published: ${post.failure?.message ?? 'a file could not be processed.'}`);
    if (post.state === 'retracted') throw new CliError('The post was retracted.');
    if (post.live) {
      bar.done();
      say('Published.');
      return post;
    }
    const progress =
      post.media.length === 0
        ? 1
        : post.media.reduce((sum, m) => sum + (m.state === 'ready' ? 100 : (m.progress ?? 0)), 0) / (100 * post.media.length);
    bar.update(progress, post.state === 'published' ? 'publishing to every channel' : '');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new CliError(`Still processing after ${WAIT_LIMIT_MS / 60000} minutes; check later with: corridor status ${postId}`);
}

/** How long `corridor retract` waits for the post to be gone everywhere before handing back. */
export const GONE_LIMIT_MS = 5 * 60 * 1000;

/** Polls a retracted post until no channel shows it any more; returns how long that took, as measured by the server. */
export async function waitUntilGone(target: ApiTarget, postId: string): Promise<PostView> {
  const deadline = Date.now() + GONE_LIMIT_MS;
  while (Date.now() < deadline) {
    const { post } = await answer(cliApi(target).api.posts[':id'].$get({ param: { id: segment(postId) } }));
    if (post.gone) return post;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new CliError(`Still being removed after ${GONE_LIMIT_MS / 60000} minutes; check later with: corridor status ${postId}`);
}
