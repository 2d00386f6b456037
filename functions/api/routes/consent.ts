import { Hono } from 'hono';
import * as z from 'zod';
import { audienceListSchema } from '../../core/audience';
import { levelNeededFor, picturedSchema, pupilsNotToIdentify } from '../../core/consent/check';
import { importRoster, previewRoster } from '../../core/consent/import';
import { listRoster } from '../../core/consent/roster';
import type { Deps } from '../../core/deps';
import { cleanDocument } from '../../core/security/text';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { callerSchool } from '../caller-school';

const checkQuerySchema = z.object({
  audience: z.array(z.string()).pipe(audienceListSchema),
  pictured: picturedSchema.optional(),
});

/**
 * Photo consent: the class roster (admins import it from their management system's CSV export), and the
 * check the composer makes before posting: which pupils must not be identifiable to this audience.
 */
export function consentRoutes(deps: Deps) {
  return (
    new Hono<AppEnv>()
      .use('*', requireToken(deps))
      .get('/check', async (c) => {
        const query = checkQuerySchema.parse({
          audience: c.req.queries('audience') ?? [],
          pictured: c.req.queries('pictured'),
        });
        const school = await callerSchool(deps, c.get('principal').schoolId);
        const pupils = await pupilsNotToIdentify(deps, school, query.audience, query.pictured);
        return c.json({ audience: query.audience, consentNeeded: levelNeededFor(query.audience), pupils });
      })
      .get('/roster', requireAdmin('see the photo consent roster'), async (c) => {
        const school = await callerSchool(deps, c.get('principal').schoolId);
        // After a change of school year the roster's classes are last year's: say so until it is re-imported.
        return c.json({ pupils: await listRoster(deps, school.id), outOfDate: school.rosterOutOfDate });
      })
      // What an import would change, before anything does: the admin reads it, then imports the same file.
      .post('/roster/preview', requireAdmin('import the photo consent roster'), async (c) => {
        const school = await callerSchool(deps, c.get('principal').schoolId);
        return c.json({ preview: await previewRoster(deps, school, await c.req.text()) });
      })
      .put('/roster', requireAdmin('import the photo consent roster'), async (c) => {
        const principal = c.get('principal');
        const result = await importRoster(
          deps,
          principal,
          await callerSchool(deps, principal.schoolId),
          cleanDocument(await c.req.text()),
        );
        return c.json(result);
      })
  );
}
