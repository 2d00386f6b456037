import { parseArgs } from 'node:util';
import type { InferResponseType } from 'hono/client';
import type { ApiClient } from '../../api/client';
import { answer, apiTargetFromEnv, cliApi, segment } from '../api-client';
import { CliError, say } from '../output';
import { schoolLookCommand } from './school-look';

export const schoolHelp = `Usage: corridor school create --id <id> --name <name> --admin <email> [--classes <names>]
                             [--timezone <zone>] [--trust <id>] [--admin-name <name>]
       corridor school list
       corridor school show <id>
       corridor school update <id> [--name <name>] [--timezone <zone>] [--trust <id> | --no-trust]
       corridor school look [--logo <file>] [--accent <#RRGGBB>] [--welcome <text>]   (the school's admins)

Operators only, but look (CORRIDOR_TOKEN = an operator token: corridor operator token create).

create   a school with its classes; its first admin (usually the head) gets an email with a link that
         signs them in. The id is for ever: it is in the school's addresses (/s/<id>).
list     every school, one a line (tab-separated: id, name, time zone, trust, classes).
show     one school: its classes, its trust and wall, and its admins (and whether they accepted).
update   rename, change the time zone, or put the school in a trust (or take it out: its posts leave
         the trust's wall). The school's admin opts in to the wall in their settings.
look     the school's logo, accent colour and welcome line, set by its admins with their own token
         (corridor school look --help).

Options:
  --id <id>            lower-case letters, digits and dashes, e.g. st-marys
  --name <name>        the school's name as parents know it
  --admin <email>      the first admin's email address
  --admin-name <name>  how the invitation greets them (default: the address)
  --classes <names>    comma-separated, e.g. "Reception,Year 1,Year 2"
  --timezone <zone>    for digests and dates, e.g. Europe/London (the default)
  --trust <id>         the trust the school belongs to (corridor trust list)
  --no-trust           take the school out of its trust
  -h, --help           show this help`;

type SchoolView = InferResponseType<ApiClient['api']['schools'][':id']['$get'], 200>['school'];

const options = {
  id: { type: 'string' },
  name: { type: 'string' },
  admin: { type: 'string' },
  'admin-name': { type: 'string' },
  classes: { type: 'string' },
  timezone: { type: 'string' },
  trust: { type: 'string' },
  'no-trust': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Prints a school the way a person reads it. */
function describe(school: SchoolView): void {
  console.log(`${school.name} (${school.id})`);
  console.log(`  time zone  ${school.timezone}`);
  console.log(
    `  trust      ${school.trustId ? `${school.trustId}; public posts ${school.wallOptIn ? 'on' : 'not on'} its wall` : 'none'}`,
  );
  const open = school.classes.filter((k) => !k.archived).map((k) => k.name);
  const archived = school.classes.filter((k) => k.archived).map((k) => k.name);
  console.log(`  classes    ${open.join(', ') || 'none yet'}${archived.length ? ` (archived: ${archived.join(', ')})` : ''}`);
}

/** `corridor school …`: operators create, list, show and change schools over the API. */
export async function schoolCommand(args: string[]): Promise<void> {
  // `look` is an admin's command with options of its own.
  if (args[0] === 'look') return schoolLookCommand(args.slice(1));
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options });
  const [action, id] = positionals;
  if (values.help || !action) return void console.log(schoolHelp);
  const target = apiTargetFromEnv();
  switch (action) {
    case 'create': {
      const missing = (['id', 'name', 'admin'] as const).filter((key) => !values[key]).map((key) => `--${key}`);
      const { id: newId, name, admin } = values;
      if (!newId || !name || !admin) throw new CliError(`Missing ${missing.join(', ')}. See corridor school --help.`);
      const { school } = await answer(
        cliApi(target, 'operator').api.schools.$post({
          json: {
            id: newId,
            name,
            adminEmail: admin,
            ...(values['admin-name'] ? { adminName: values['admin-name'] } : {}),
            classes: (values.classes ?? '')
              .split(',')
              .map((name) => name.trim())
              .filter(Boolean),
            ...(values.timezone ? { timezone: values.timezone } : {}),
            ...(values.trust ? { trustId: values.trust } : {}),
          },
        }),
      );
      say(`Created ${school.name}. ${values.admin} has been emailed a link to sign in as its admin.`);
      describe(school);
      return;
    }
    case 'list': {
      const { schools } = await answer(cliApi(target, 'operator').api.schools.$get());
      if (schools.length === 0) say('There are no schools yet: corridor school create --help');
      for (const s of schools)
        console.log([s.id, s.name, s.timezone, s.trustId ?? '-', s.classes.filter((k) => !k.archived).length].join('\t'));
      return;
    }
    case 'show': {
      if (!id) throw new CliError('Which school? corridor school show <id>');
      const { school, admins } = await answer(cliApi(target, 'operator').api.schools[':id'].$get({ param: { id: segment(id) } }));
      describe(school);
      for (const a of admins)
        console.log(`  admin      ${a.email}${a.status === 'invited' ? ' (invited, has not signed in yet)' : ''}`);
      return;
    }
    case 'update': {
      if (!id) throw new CliError('Which school? corridor school update <id> --name …');
      if (values.trust && values['no-trust']) throw new CliError('Choose --trust <id> or --no-trust, not both.');
      const changes = {
        ...(values.name ? { name: values.name } : {}),
        ...(values.timezone ? { timezone: values.timezone } : {}),
        ...(values.trust ? { trustId: values.trust } : {}),
        ...(values['no-trust'] ? { trustId: null } : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new CliError('Nothing to change: add --name, --timezone, --trust or --no-trust.');
      const { school } = await answer(
        cliApi(target, 'operator').api.schools[':id'].$patch({ param: { id: segment(id) }, json: changes }),
      );
      say(`Updated ${school.name}.`);
      describe(school);
      return;
    }
    default:
      throw new CliError(`Unknown action "${action}". Use create, list, show, update or look (corridor school --help).`);
  }
}
