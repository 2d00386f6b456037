import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildClients } from '../../aws/clients';
import { configSchema } from '../../aws/config';
import { createToken, revokeToken, roleSchema } from '../../core/auth/tokens';
import type { Deps } from '../../core/deps';
import { getSchool } from '../../core/schools/school';
import { startDynamo } from '../../local/emulators';
import { LOCAL_NAMES } from '../../local/runtime';
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

/**
 * Opens the embedded table. LevelDB allows one process, so when `npm start` is running the CLI talks to
 * its dynalite (found through endpoints.json); otherwise it starts dynalite on the folder itself.
 */
async function withLocalTable(work: (deps: Deps) => Promise<void>): Promise<void> {
  const dataDir = resolve(process.env.CORRIDOR_DATA_DIR ?? '.data');
  const running = await runningServer(dataDir);
  const own = running ? undefined : await startDynamo(dataDir, LOCAL_NAMES.table);
  const config = configSchema.parse({
    tableName: LOCAL_NAMES.table,
    incomingBucket: LOCAL_NAMES.incomingBucket,
    siteBucket: LOCAL_NAMES.siteBucket,
    publicUrl: running?.url ?? 'http://localhost:3000',
    mediaQueueUrl: 'local://media',
    fanoutQueueUrl: 'local://fanout',
    notificationsQueueUrl: 'local://notifications',
    segmentsQueueUrl: 'local://segments',
    dynamoEndpoint: running?.dynamoEndpoint ?? own?.endpoint,
  });
  const unavailable = async () => {
    throw new Error('not available to local admin commands');
  };
  const deps: Deps = {
    config,
    clients: buildClients(config),
    now: () => new Date(),
    queues: { fanout: unavailable, media: unavailable, notifications: unavailable, segments: unavailable },
    cdn: { changed: unavailable, removed: unavailable },
  };
  try {
    await work(deps);
  } finally {
    await own?.stop();
  }
}

async function runningServer(dataDir: string): Promise<{ url: string; dynamoEndpoint: string } | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as {
      pid: number;
      url: string;
      dynamoEndpoint: string;
    };
    process.kill(info.pid, 0); // throws when that process is gone
    return info;
  } catch {
    return undefined;
  }
}
