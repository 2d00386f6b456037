import { parseArgs } from 'node:util';
import type { InferResponseType } from 'hono/client';
import type { ApiClient } from '../../api/client';
import { answer, apiTargetFromEnv, cliApi, segment } from '../api-client';
import { CliError, say } from '../output';

export const joinLinksHelp = `Usage: corridor join-links
       corridor join-links --rotate <class-id>

Lists each class's join link for parents and its printable QR codes (one class a line, tab-separated:
class id, class name, link, PNG QR code, SVG QR code).

With --rotate (admins only), replaces one class's link, e.g. after a photo of the classroom door's QR
code went online: the old link and its QR codes stop working at once, and the new link is printed.
Families who already joined stay joined; print and hand out the new QR code.

Options:
  --rotate <class-id>   give this class a new join link (the old one stops working)
  -h, --help            show this help`;

type JoinLink = InferResponseType<ApiClient['api']['schools']['me']['join-links']['$get'], 200>['joinLinks'][number];

const line = (link: JoinLink) => [link.classId, link.name, link.url, link.qrPngUrl, link.qrSvgUrl].join('\t');

/** `corridor join-links`: the classes' join links, and replacing a leaked one. */
export async function joinLinksCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { rotate: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return void console.log(joinLinksHelp);
  if (positionals.length > 0) throw new CliError(`Unexpected "${positionals[0]}". See corridor join-links --help.`);
  const target = apiTargetFromEnv();
  if (values.rotate !== undefined) {
    if (!values.rotate) throw new CliError('Which class? corridor join-links --rotate <class-id>');
    const { joinLink, message } = await answer(
      cliApi(target).api.schools.me.classes[':classId']['join-link'].rotate.$post({ param: { classId: segment(values.rotate) } }),
    );
    say(message);
    return void console.log(line(joinLink));
  }
  const { joinLinks } = await answer(cliApi(target).api.schools.me['join-links'].$get());
  if (joinLinks.length === 0) say('This school has no classes yet.');
  for (const link of joinLinks) console.log(line(link));
}
