import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Deps } from '../../core/deps';
import { getSchool } from '../../core/schools/school';
import { settingsOf, updateSettings } from '../../core/schools/settings';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { jsonBody } from '../errors';

/** The school's settings (approval of staff posts, retention), changed by its admins. */
export function settingsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use('*', requireToken(deps), requireAdmin('change the school’s settings'));

  app.get('/', async (c) => {
    const school = await getSchool(deps, c.get('principal').schoolId);
    if (!school) throw new HTTPException(404, { message: 'Your school no longer exists.' });
    return c.json({ settings: settingsOf(school) });
  });

  app.patch('/', async (c) => c.json({ settings: await updateSettings(deps, c.get('principal'), (await jsonBody(c)) as never) }));

  return app;
}
