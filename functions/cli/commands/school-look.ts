import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { InferResponseType } from 'hono/client';
import type { ApiClient } from '../../api/client';
import { answer, apiTargetFromEnv, cliApi } from '../api-client';
import { declaredTypeFor } from '../media-types';
import { CliError, say } from '../output';

export const lookHelp = `Usage: corridor school look [--logo <file> | --no-logo] [--accent <#RRGGBB> | --no-accent]
                          [--welcome <text> | --no-welcome]

A school's admins (CORRIDOR_TOKEN = an admin's token) set how its pages, widget, e-mails and podcast
artwork look. Without options, shows the current look.

Options:
  --logo <file>      a picture of the logo (PNG, JPEG, WebP, HEIC or GIF, at most 4 MB). Corridor keeps
                     a copy without any metadata (no location, no camera) and draws the favicon and
                     podcast artwork from it
  --no-logo          take the logo off (the artwork and favicon go back to the name alone)
  --accent <colour>  e.g. '#7a1f5c' (quote it: # starts a comment in most shells). Refused when white
                     text on it is hard to read (contrast under 4.5:1, WCAG AA)
  --no-accent        back to Corridor's blue
  --welcome <text>   one line of plain text under the school's name, at most 140 characters
  --no-welcome       take the welcome line off
  -h, --help         show this help`;

const options = {
  logo: { type: 'string' },
  'no-logo': { type: 'boolean', default: false },
  accent: { type: 'string' },
  'no-accent': { type: 'boolean', default: false },
  welcome: { type: 'string' },
  'no-welcome': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Settings = InferResponseType<ApiClient['api']['settings']['$get'], 200>['settings'];

/** The look as a person reads it. */
function describeLook(settings: Settings, baseUrl: string): void {
  console.log(`${settings.name}`);
  console.log(`  accent   ${settings.accent ?? "none (Corridor's blue)"}`);
  console.log(`  welcome  ${settings.welcome ?? 'none'}`);
  console.log(`  logo     ${settings.logo ? `${baseUrl}${settings.logo.path}` : 'none'}`);
}

/** `corridor school look …`: a school's admin sets its logo, accent colour and welcome line. */
export async function schoolLookCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options });
  if (values.help) return void console.log(lookHelp);
  for (const field of ['logo', 'accent', 'welcome'] as const) {
    if (values[field] !== undefined && values[`no-${field}`]) throw new CliError(`Choose --${field} or --no-${field}, not both.`);
  }
  const target = apiTargetFromEnv();
  const changes = {
    ...(values.accent !== undefined ? { accent: values.accent } : {}),
    ...(values['no-accent'] ? { accent: null } : {}),
    ...(values.welcome !== undefined ? { welcome: values.welcome } : {}),
    ...(values['no-welcome'] ? { welcome: null } : {}),
  };
  let settings: Settings | undefined;
  // Colour and words first: a refused colour stops before the (slower) logo is sent.
  if (Object.keys(changes).length > 0) {
    ({ settings } = await answer(cliApi(target).api.settings.$patch({ json: changes })));
    say(`Saved the ${Object.keys(changes).join(' and ')}.`);
  }
  if (values.logo !== undefined) {
    const bytes = await readFile(values.logo).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`Cannot read ${values.logo}: ${error.code === 'ENOENT' ? 'there is no such file' : error.message}.`);
    });
    say(`Sending the logo (${Math.ceil(bytes.length / 1024)} kB); Corridor removes its metadata and redraws the artwork…`);
    // The picture's own bytes as the body: the one API route that takes a file.
    ({ settings } = await answer(
      cliApi(target).api.settings.logo.$put(
        {},
        { headers: { 'content-type': declaredTypeFor(values.logo) }, init: { body: new Uint8Array(bytes) } },
      ),
    ));
    say('Saved the logo.');
  }
  if (values['no-logo']) {
    ({ settings } = await answer(cliApi(target).api.settings.logo.$delete()));
    say('Took the logo off.');
  }
  settings ??= (await answer(cliApi(target).api.settings.$get())).settings;
  describeLook(settings, target.baseUrl);
}
