import { Hono } from 'hono';
import type { Deps } from '../../core/deps';
import { settingsOf, updateSettings } from '../../core/schools/settings';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { callerSchool } from '../caller-school';
import { jsonBody } from '../errors';

/** The school's settings (approval of staff posts, retention), changed by its admins. */
export function settingsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use('*', requireToken(deps), requireAdmin('change the school’s settings'));

  app.get('/', async (c) => {
    const school = await callerSchool(deps, c.get('principal').schoolId);
    return c.json({ settings: settingsOf(school) });
  });

  app.patch('/', async (c) => c.json({ settings: await updateSettings(deps, c.get('principal'), (await jsonBody(c)) as never) }));

  return app;
}
