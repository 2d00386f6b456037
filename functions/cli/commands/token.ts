import { parseArgs } from 'node:util';
import { createToken, revokeToken, roleSchema } from '../../core/auth/tokens';
import { getSchool } from '../../core/schools/school';
import { withLocalTable } from '../local-table';
import { CliError, say } from '../output';

export const tokenHelp = `Usage: corridor token create --school <id> --role admin|staff [--label <text>]
       corridor token revoke <token>

Local admin commands on the embedded default's data (CORRIDOR_DATA_DIR, default .data).
They work whether or not "npm start" is running.

Options:
  --school <id>     the school the token acts for
  --role <role>     admin (the head) or staff
  --label <text>    who holds it, shown in the audit trail (default "<role> token")
  -h, --help        show this help`;

/** `corridor token …`: creates or revokes API tokens directly in the embedded table. */
export async function tokenCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      school: { type: 'string' },
      role: { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [action, token] = positionals;
  if (values.help || !action) return void console.log(tokenHelp);
  await withLocalTable(async (deps) => {
    if (action === 'create') {
      if (!values.school) throw new CliError('Which school? Add --school <id>.');
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new CliError('Which role? Add --role admin or --role staff.');
      if (!(await getSchool(deps, values.school)))
        throw new CliError(`There is no school "${values.school}" (start Corridor once to create "demo").`);
      const created = await createToken(deps, {
        schoolId: values.school,
        role: role.data,
        label: values.label ?? `${role.data} token`,
      });
      say(`Created a ${role.data} token for ${values.school}. It is shown once; keep it safe:`);
      console.log(created.token);
      return;
    }
    if (action === 'revoke') {
      if (!token) throw new CliError('Which token? corridor token revoke <token>');
      if (!(await revokeToken(deps, token))) throw new CliError('No such token.');
      say('Revoked: requests with this token are refused from now on.');
      return;
    }
    throw new CliError(`Unknown action "${action}". Use create or revoke (corridor token --help).`);
  });
}
