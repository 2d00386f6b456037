import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import type { Deps } from '../../core/deps';
import { getSchool } from '../../core/schools/school';
import { linkRefusalMessages, peekMagicLink } from '../../core/staff/magic-links';
import { endSession } from '../../core/staff/sessions';
import { completeSignIn, MAGIC_LINK_PATH, requestSignIn } from '../../core/staff/sign-in';
import { type AppEnv, clearSessionCookie, requireToken, sessionSecretOf, setSessionCookie } from '../auth';
import { confirmSignInPage, signInRefusedPage } from '../sign-in-page';
import { jsonOf } from '../validate';

/** Where a signed-in member lands: the composer. */
export const AFTER_SIGN_IN_PATH = '/compose/';

const signInSchema = z.object({ email: z.string() });
const tokenFormSchema = z.object({ token: z.string().min(1).max(100) });

/** Staff sign-in by emailed link, the session it creates, and signing out. */
export function authRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .post('/sign-in', jsonOf(signInSchema), async (c) => {
      const { email } = c.req.valid('json');
      await requestSignIn(deps, email);
      return c.json(
        { message: 'If this address belongs to school staff, a sign-in link is on its way. It works once, for 15 minutes.' },
        202,
      );
    })
    .get('/magic', async (c) => {
      const secret = c.req.query('token') ?? '';
      const link = await peekMagicLink(deps, secret);
      if (typeof link === 'string') return c.html(signInRefusedPage(linkRefusalMessages[link]), 410);
      const school = await getSchool(deps, link.schoolId);
      return c.html(
        confirmSignInPage({ schoolName: school?.name ?? link.schoolId, email: link.email, secret, action: MAGIC_LINK_PATH }),
      );
    })
    .post('/magic', async (c) => {
      // Login CSRF: another site must not sign a visitor in (to an account it controls).
      if (c.req.header('origin') !== new URL(deps.config.publicUrl).origin) {
        return c.html(signInRefusedPage('This sign-in came from another site and was refused.'), 403);
      }
      const form = tokenFormSchema.safeParse(await c.req.parseBody());
      const signedIn = form.success ? await completeSignIn(deps, form.data.token) : 'unknown';
      if (typeof signedIn === 'string') return c.html(signInRefusedPage(linkRefusalMessages[signedIn]), 410);
      setSessionCookie(c, deps.config, signedIn.secret);
      return c.redirect(AFTER_SIGN_IN_PATH, 303);
    })
    .get('/session', requireToken(deps), (c) => {
      const { schoolId, role, label } = c.get('principal');
      return c.json({ schoolId, role, name: label, csrfToken: c.get('csrfToken') });
    })
    .post('/sign-out', requireToken(deps), async (c) => {
      const secret = sessionSecretOf(c, deps.config);
      if (!secret || !c.get('csrfToken')) {
        throw new HTTPException(400, { message: 'Only a signed-in browser signs out; an API token is revoked instead.' });
      }
      await endSession(deps, secret);
      clearSessionCookie(c, deps.config);
      return c.json({ signedOut: true });
    });
}
