import { parseArgs } from 'node:util';
import { apiTargetFromEnv, callApi } from '../api-client';
import { CliError, say } from '../output';

export const retractHelp = `Usage: corridor retract <post-id>

Removes a post from every channel (feeds, pages, widget) and deletes its media.`;

/** `corridor retract`: one action, gone everywhere. */
export async function retractCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return void console.log(retractHelp);
  const [postId] = positionals;
  if (!postId) throw new CliError('Which post? corridor retract <post-id>');
  await callApi(apiTargetFromEnv(), 'DELETE', `/api/posts/${encodeURIComponent(postId)}`);
  say(`Retracted ${postId}: it is being removed from every channel.`);
}
