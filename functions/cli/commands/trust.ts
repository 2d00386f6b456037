import { parseArgs } from 'node:util';
import { answer, apiTargetFromEnv, cliApi } from '../api-client';
import { CliError, say } from '../output';

export const trustHelp = `Usage: corridor trust create --id <id> --name <name>
       corridor trust list

Operators only. A trust (or local authority) groups schools; its wall, /w/<id>, shows the public posts
of every school in it whose admin opted in. Put a school in a trust with:
  corridor school update <school-id> --trust <id>

Options:
  --id <id>      lower-case letters, digits and dashes, e.g. north-trust (it is in the wall's address)
  --name <name>  the trust's name, shown on its wall
  -h, --help     show this help`;

/** `corridor trust …`: operators create and list trusts over the API. */
export async function trustCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [action] = positionals;
  if (values.help || !action) return void console.log(trustHelp);
  const target = apiTargetFromEnv();
  if (action === 'create') {
    if (!values.id || !values.name) throw new CliError('Give the trust an --id and a --name (corridor trust --help).');
    const { trust, wallUrl } = await answer(
      cliApi(target, 'operator').api.trusts.$post({ json: { id: values.id, name: values.name } }),
    );
    say(`Created ${trust.name}. Its wall is at the address below; schools appear on it once their admin opts in.`);
    return void console.log(wallUrl);
  }
  if (action === 'list') {
    const { trusts } = await answer(cliApi(target, 'operator').api.trusts.$get());
    if (trusts.length === 0) say('There are no trusts yet: corridor trust create --help');
    for (const t of trusts) console.log(`${t.id}\t${t.name}`);
    return;
  }
  throw new CliError(`Unknown action "${action}". Use create or list (corridor trust --help).`);
}
