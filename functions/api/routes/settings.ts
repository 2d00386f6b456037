import { Hono } from 'hono';
import { updateSettings } from '../../core/admin/settings';
import type { Deps } from '../../core/deps';
import { settingsOf, settingsSchema } from '../../core/schools/settings';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { callerSchool } from '../caller-school';
import { jsonOf } from '../validate';

/** The school's settings (approval of staff posts, retention), changed by its admins. */
export function settingsRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .use('*', requireToken(deps), requireAdmin('change the school’s settings'))
    .get('/', async (c) => {
      const school = await callerSchool(deps, c.get('principal').schoolId);
      return c.json({ settings: settingsOf(school) });
    })
    .patch('/', jsonOf(settingsSchema), async (c) =>
      c.json({ settings: await updateSettings(deps, c.get('principal'), c.req.valid('json')) }),
    );
}
