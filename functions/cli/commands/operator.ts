import { parseArgs } from 'node:util';
import { createToken, revokeToken } from '../../core/auth/tokens';
import type { Deps } from '../../core/deps';
import { tableOnlyDeps, withLocalTable } from '../local-table';
import { CliError, say } from '../output';
import { stackNameOf, tableNameFromStack } from '../stack-outputs';

export const operatorHelp = `Usage: corridor operator token create [--label <text>] [--stage <stage> [--region <region>]]
       corridor operator token revoke <token> [--stage <stage> [--region <region>]]

An operator runs this Corridor: creates schools and trusts (corridor school, corridor trust). An operator
token acts inside no school. The first one can only be made here, by writing it straight into the table:

  locally (no --stage): into the embedded default's data (CORRIDOR_DATA_DIR, default .data), whether or
  not "npm start" is running;
  on AWS (--stage prod): into that stage's table, found from the stack's outputs, with your own AWS
  credentials (AWS_PROFILE, "aws sso login"…). Whoever can write the table can make one; nobody else.

Then: export CORRIDOR_TOKEN=<the token> and CORRIDOR_URL=<the site>, and use the API or the CLI.

Options:
  --label <text>     who holds it, shown in the schools' audit logs (default "operator")
  --stage <stage>    the deployed stage (SST), e.g. prod; its stack is <stage>-corridor-Corridor
  --stack <name>     the stack's name, when it is not the usual one
  --region <region>  the stack's region (default AWS_REGION, else eu-west-2)
  -h, --help         show this help`;

/** `corridor operator token …`: the deployment's first credential, written into the table directly. */
export async function operatorCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      label: { type: 'string' },
      stage: { type: 'string' },
      stack: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [noun, action, token] = positionals;
  if (values.help || !noun) return void console.log(operatorHelp);
  if (noun !== 'token') throw new CliError(`Unknown "${noun}". Use: corridor operator token create (see --help).`);
  const work = async (deps: Deps) => {
    if (action === 'create') {
      const created = await createToken(deps, { role: 'operator', label: values.label ?? 'operator' });
      say(`Created an operator token (table ${deps.config.tableName}). It is shown once; keep it safe:`);
      console.log(created.token);
      return;
    }
    if (action === 'revoke') {
      if (!token) throw new CliError('Which token? corridor operator token revoke <token>');
      if (!(await revokeToken(deps, token))) throw new CliError('No such token.');
      say('Revoked: requests with this token are refused from now on.');
      return;
    }
    throw new CliError(`Unknown action "${action ?? ''}". Use create or revoke (corridor operator --help).`);
  };
  const stack = values.stack ?? (values.stage ? stackNameOf(values.stage) : undefined);
  if (!stack) return withLocalTable(work);
  const region = values.region ?? process.env.AWS_REGION ?? 'eu-west-2';
  // The same DynamoDB client and code as the local path; only where the table is differs.
  await work(tableOnlyDeps({ tableName: await tableNameFromStack(stack, region), region }));
}
