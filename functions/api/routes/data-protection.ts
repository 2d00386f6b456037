import { Hono } from 'hono';
import { eraseFamilyData } from '../../core/data-protection/erase';
import { exportSchool } from '../../core/data-protection/export';
import { familySearchSchema, findFamiliesByEmail } from '../../core/data-protection/find-family';
import type { Deps } from '../../core/deps';
import { type AppEnv, requireAdmin, requireToken } from '../auth';

/** Data protection requests, for a school's admins: export everything, erase a family. */
export function dataProtectionRoutes(deps: Deps) {
  return (
    new Hono<AppEnv>()
      .use('*', requireToken(deps), requireAdmin('handle data protection requests'))
      .get('/export', async (c) => {
        const data = await exportSchool(deps, c.get('principal'));
        c.header('content-disposition', `attachment; filename="corridor-${data.school.id}-${data.exportedAt.slice(0, 10)}.json"`);
        return c.json(data);
      })
      // A parent asks to be erased by email: the admin finds the family by that address, never by an id.
      .get('/families', async (c) => {
        const { email } = familySearchSchema.parse(c.req.query());
        return c.json({ families: await findFamiliesByEmail(deps, c.get('principal').schoolId, email) });
      })
      .delete('/families/:familyId', async (c) => {
        const { schoolId } = c.get('principal');
        const erased = await eraseFamilyData(deps, c.get('principal'), schoolId, c.req.param('familyId'));
        return c.json({ erased: c.req.param('familyId'), items: erased });
      })
  );
}
