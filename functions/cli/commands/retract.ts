import { parseArgs } from 'node:util';
import { answer, apiTargetFromEnv, cliApi, segment } from '../api-client';
import { CliError, say } from '../output';
import { waitUntilGone } from './wait';

export const retractHelp = `Usage: corridor retract <post-id>

Removes a post from every channel (feeds, pages, archives, private feeds, the wall) and deletes its media,
then waits until it is gone everywhere and says how long that took.

Options:
  --no-wait   return once the retract is accepted`;

/** `corridor retract`: one action, gone everywhere. */
export async function retractCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false }, 'no-wait': { type: 'boolean', default: false } },
  });
  if (values.help) return void console.log(retractHelp);
  const [postId] = positionals;
  if (!postId) throw new CliError('Which post? corridor retract <post-id>');
  const target = apiTargetFromEnv();
  await answer(cliApi(target).api.posts[':id'].$delete({ param: { id: segment(postId) } }));
  if (values['no-wait']) return void say(`Retracted ${postId}: it is being removed from every channel.`);
  const post = await waitUntilGone(target, postId);
  say(`Retracted ${postId}: gone from every channel${post.goneAfterMs === undefined ? '' : ` in ${post.goneAfterMs} ms`}.`);
}
