import { joinLinksCommand } from './commands/join-links';
import { operatorCommand } from './commands/operator';
import { postCommand } from './commands/post';
import { retractCommand } from './commands/retract';
import { schoolCommand } from './commands/school';
import { statusCommand } from './commands/status';
import { tokenCommand } from './commands/token';
import { trustCommand } from './commands/trust';
import { CliError } from './output';

const commands = {
  post: postCommand,
  status: statusCommand,
  retract: retractCommand,
  token: tokenCommand,
  'join-links': joinLinksCommand,
  operator: operatorCommand,
  school: schoolCommand,
  trust: trustCommand,
} satisfies Record<string, (args: string[]) => Promise<void>>;

const help = `Usage: corridor <command> [options]

Post once from the command line; Corridor publishes everywhere.

Commands:
  post        upload photos with a caption and wait until the post is live
  status      show a post's processing and publishing state
  retract     remove a post from every channel
  token       create or revoke API tokens (local admin)
  join-links  list the classes' join links for parents; --rotate one that leaked
  operator    create the operator token that creates schools (locally, or on AWS with --stage)
  school      create, list, show or change schools (operators)
  trust       create or list trusts, whose walls gather their schools' public posts (operators)

Run "corridor <command> --help" for a command's options.
Environment: CORRIDOR_URL (default http://127.0.0.1:3000), CORRIDOR_TOKEN.`;

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h' || name === 'help') {
  console.log(help);
} else if (!(name in commands)) {
  console.error(`corridor: unknown command "${name}". Run "corridor --help".`);
  process.exitCode = 2;
} else {
  try {
    await commands[name as keyof typeof commands](rest);
  } catch (error) {
    const known = error instanceof CliError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`corridor: ${known ? (error as Error).message : `unexpected error: ${(error as Error).stack}`}`);
    process.exitCode = 1;
  }
}
