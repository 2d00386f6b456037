import { parseArgs } from 'node:util';
import { answer, apiTargetFromEnv, cliApi, segment } from '../api-client';
import { CliError } from '../output';

export const statusHelp = `Usage: corridor status <post-id>

Says in words what is happening to a post ("Waiting for the upload", "Making the 720p video — 40 %",
"Failed: …") and to each of its files.`;

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
  const { post } = await answer(cliApi(apiTargetFromEnv()).api.posts[':id'].$get({ param: { id: segment(postId) } }));
  console.log(
    `post ${post.id}: ${post.status}${post.gone && post.goneAfterMs !== undefined ? ` (in ${post.goneAfterMs} ms)` : ''}`,
  );
  if (post.url) console.log(`  ${post.url}`);
  for (const [i, m] of post.media.entries()) console.log(`  file ${i + 1}: ${m.kind ?? 'file'} — ${m.status}`);
}
