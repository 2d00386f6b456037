import { resolve } from 'node:path';
import * as z from 'zod';
import { formatSizes } from '../../web/build/budgets';
import { getSecrets } from '../core/messaging/secrets';
import { joinPath } from '../core/schools/join-link';
import { getSchool } from '../core/schools/school';
import { libreTranslator } from '../core/translate/libretranslate';
import { startLocal } from './runtime';
import { DEMO_HEAD_EMAIL, seedDemo } from './seed';

/** `npm start`: the embedded default, configured by a few environment variables. */
const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    CORRIDOR_DATA_DIR: z.string().default('.data'),
    /** How often the sweeper re-drives stuck work, and how old work must be first (docs/operations.md). */
    CORRIDOR_SWEEP_EVERY_S: z.coerce.number().positive().default(60),
    CORRIDOR_SWEEP_GRACE_S: z.coerce.number().nonnegative().default(120),
    /** When a file whose upload never arrived fails its post (default a day). */
    CORRIDOR_ABANDON_UPLOADS_AFTER_S: z.coerce.number().int().positive().optional(),
    /** The one public base URL (a reverse proxy's or tunnel's address); default: the address served. */
    CORRIDOR_PUBLIC_URL: z
      .url()
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /** A server speaking the LibreTranslate API, for schools that turn caption translation on; none by default. */
    CORRIDOR_TRANSLATE_URL: z.url().optional(),
    CORRIDOR_TRANSLATE_API_KEY: z.string().optional(),
  })
  .parse(process.env);

const started = Date.now();
const corridor = await startLocal({
  dataDir: resolve(env.CORRIDOR_DATA_DIR),
  port: env.PORT,
  host: env.HOST,
  sweepEveryMs: env.CORRIDOR_SWEEP_EVERY_S * 1000,
  sweepGraceMs: env.CORRIDOR_SWEEP_GRACE_S * 1000,
  abandonUploadsAfterSeconds: env.CORRIDOR_ABANDON_UPLOADS_AFTER_S,
  publicUrl: env.CORRIDOR_PUBLIC_URL,
  translator: env.CORRIDOR_TRANSLATE_URL
    ? libreTranslator(env.CORRIDOR_TRANSLATE_URL, env.CORRIDOR_TRANSLATE_API_KEY)
    : undefined,
});
const { token, created } = await seedDemo(corridor.deps, resolve(env.CORRIDOR_DATA_DIR));
const year1 = (await getSchool(corridor.deps, 'demo'))?.classes.find((k) => k.id === 'year-1');
const joinYear1 = year1 ? `${corridor.url}${joinPath((await getSecrets(corridor.deps)).linkKey, 'demo', year1)}` : '(no Year 1)';
// Built once here (about a second) so the first phone to open the composer does not wait, and a bundle
// over its budget is reported at start; the API and the site keep working either way.
const web = await corridor.web().then(
  ({ sizes }) => `Web bundles:\n${formatSizes(sizes)}`,
  (error: Error) => `Web build FAILED (the composer and widget are not served): ${error.message}`,
);

console.log(`
Corridor is running (ready in ${Date.now() - started} ms), data in ${resolve(env.CORRIDOR_DATA_DIR)}

  School page   ${corridor.url}/s/demo
  JSON Feed     ${corridor.url}/s/demo/feed.json
  RSS           ${corridor.url}/s/demo/rss.xml
  API           ${corridor.url}/api
  Composer      ${corridor.url}/compose/   (sign in as ${DEMO_HEAD_EMAIL}, or with a staff token)
  Local mailbox ${corridor.emulators.sesEndpoint}   (sign-in links and parents' emails land here)
  Parents join  ${joinYear1}   (Year 1; all classes: GET /api/schools/me/join-links)
  Widget        <script src="${corridor.url}/embed.js" data-school="demo" data-limit="6" async></script>
  Widget iframe ${corridor.url}/embed/demo
  Translation   ${env.CORRIDOR_TRANSLATE_URL ? `captions through ${env.CORRIDOR_TRANSLATE_URL} for schools that turn it on` : 'none: captions stay as written (set CORRIDOR_TRANSLATE_URL to a LibreTranslate server)'}

${web}

Demo admin token${created ? ' (new)' : ''}:
  export CORRIDOR_TOKEN=${token}
Post a photo:
  npx corridor post --school demo --audience public --caption "Our painting" photo.jpg

Press Ctrl-C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nStopping Corridor…');
    corridor.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
