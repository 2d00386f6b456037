import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_LOGO_BYTES, removeLogo, setLogo } from '../../core/admin/logo';
import type { Deps } from '../../core/deps';
import { formatBytes } from '../../core/media/uploads';
import { settingsOf } from '../../core/schools/settings';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { callerSchool } from '../caller-school';
import { errorBody } from '../errors';

/**
 * The school's logo, sent as the picture's own bytes (`PUT`, any image type: the bytes decide) or taken
 * off (`DELETE`). The one API route that takes a file: a logo is small, and processing it while the admin
 * waits lets a refusal come back in words at once. Mounted before the API's 256 kB JSON limit.
 */
export function logoRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .use('*', requireToken(deps), requireAdmin('change the school’s logo'))
    .use(
      '*',
      bodyLimit({
        maxSize: MAX_LOGO_BYTES,
        onError: (c) =>
          c.json(
            errorBody('too_large', `A logo can be at most ${formatBytes(MAX_LOGO_BYTES)}. Please choose a smaller picture.`),
            413,
          ),
      }),
    )
    .put('/', async (c) => {
      const bytes = Buffer.from(await c.req.arrayBuffer());
      if (bytes.length === 0) return c.json(errorBody('invalid_request', 'No picture arrived: choose the logo file again.'), 400);
      await setLogo(deps, c.get('principal'), bytes);
      return c.json({ settings: settingsOf(await callerSchool(deps, c.get('principal').schoolId)) });
    })
    .delete('/', async (c) => {
      await removeLogo(deps, c.get('principal'));
      return c.json({ settings: settingsOf(await callerSchool(deps, c.get('principal').schoolId)) });
    });
}
