import { parseArgs } from 'node:util';
import type { PostView } from '../../api/views';
import { apiTargetFromEnv, callApi } from '../api-client';
import { CliError } from '../output';

export const statusHelp = `Usage: corridor status <post-id>

Shows a post's state and each file's processing state and progress.`;

/** `corridor status`: the post's state machine, as the API shows it. */
export async function statusCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return void console.log(statusHelp);
  const [postId] = positionals;
  if (!postId) throw new CliError('Which post? corridor status <post-id>');
  const { post } = await callApi<{ post: PostView }>(apiTargetFromEnv(), 'GET', `/api/posts/${encodeURIComponent(postId)}`);
  console.log(
    `post ${post.id}: ${post.state}${post.live ? ' (live everywhere)' : ''}${
      post.gone ? ` (gone everywhere${post.goneAfterMs === undefined ? '' : ` in ${post.goneAfterMs} ms`})` : ''
    }${post.failure ? ` — ${post.failure.message}` : ''}`,
  );
  if (post.url) console.log(`  ${post.url}`);
  for (const [i, m] of post.media.entries()) {
    const detail = m.state === 'processing' ? ` ${m.progress ?? 0}%` : m.failure ? ` — ${m.failure.message}` : '';
    console.log(`  file ${i + 1}: ${m.kind ?? 'file'} ${m.state}${detail}`);
  }
}
