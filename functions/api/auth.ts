import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { type Config, servesOnlyHttps } from '../aws/config';
import { sameSecret } from '../core/auth/secrets';
import { authenticate, isOperator, type Operator, type Principal } from '../core/auth/tokens';
import type { Deps } from '../core/deps';
import { authenticateSession, SESSION_SECONDS } from '../core/staff/sessions';

/** The caller, and for a session the CSRF token its pages must send back on writes. */
export type AppEnv = { Variables: { principal: Principal; csrfToken?: string; operator: Operator } };

/** `__Host-` cookies must be Secure, on `/`, with no Domain: the browser then refuses any other site's copy. */
export const sessionCookieName = (config: Config) => (servesOnlyHttps(config) ? '__Host-corridor-session' : 'corridor-session');

export const CSRF_HEADER = 'x-csrf-token';

/** Sets the session cookie: HttpOnly (no script reads it), Secure on HTTPS, SameSite=Lax. */
export function setSessionCookie(c: Context, config: Config, secret: string): void {
  setCookie(c, sessionCookieName(config), secret, {
    httpOnly: true,
    secure: servesOnlyHttps(config),
    sameSite: 'Lax',
    path: '/',
    maxAge: SESSION_SECONDS,
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, sessionCookieName(config), { path: '/', secure: servesOnlyHttps(config) });
}

export const sessionSecretOf = (c: Context, config: Config) => getCookie(c, sessionCookieName(config));

/** The token of an `Authorization: Bearer <token>` header, if any. */
function bearerOf(c: Context): string | undefined {
  const header = c.req.header('authorization');
  return header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser attaches cookies to requests another site makes, so a cookie-authenticated write must prove
 * it came from our own pages: the Origin header is ours, and it carries the session's CSRF token in a
 * header (which another site can neither read nor set without a CORS preflight we never grant).
 */
export function refuseCrossSiteWrite(c: Context, config: Config, csrfToken: string): void {
  if (safeMethods.has(c.req.method)) return;
  const origin = c.req.header('origin');
  if (origin !== new URL(config.publicUrl).origin) {
    throw new HTTPException(403, {
      message: `This request came from ${origin ? `another site (${origin})` : 'an unknown page'} and was refused.`,
    });
  }
  const sent = c.req.header(CSRF_HEADER) ?? '';
  if (!sent || !sameSecret(sent, csrfToken)) {
    throw new HTTPException(403, {
      message: `This request lacks the page's security token (${CSRF_HEADER}); reload and try again.`,
    });
  }
}

/**
 * Requires a signed-in caller: an API token (`Authorization: Bearer <token>`, the CLI) or a staff session
 * cookie (the composer, with CSRF checks on writes). Sets the caller's principal for the route.
 */
export const requireToken = (deps: Deps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const bearer = bearerOf(c);
    const sessionSecret = sessionSecretOf(c, deps.config);
    if (bearer) {
      const principal = await authenticate(deps, bearer);
      if (!principal) throw new HTTPException(401, { message: 'This API token is not valid (unknown or revoked).' });
      if (isOperator(principal)) throw new HTTPException(403, { message: OPERATOR_OUTSIDE_SCHOOLS });
      c.set('principal', principal);
    } else if (sessionSecret) {
      const session = await authenticateSession(deps, sessionSecret);
      if (!session) throw new HTTPException(401, { message: 'Your session has ended. Please sign in again.' });
      refuseCrossSiteWrite(c, deps.config, session.csrfToken);
      c.set('principal', session.principal);
      c.set('csrfToken', session.csrfToken);
    } else {
      throw new HTTPException(401, {
        message: 'Sign in first: with your email address, or send an API token as "Authorization: Bearer <token>".',
      });
    }
    await next();
  });

const OPERATOR_OUTSIDE_SCHOOLS =
  'This is an operator token: it creates and changes schools and trusts, and acts inside no school. Use a token or sign-in of that school’s staff.';

/**
 * Requires an operator's API token (`Authorization: Bearer <token>`): the people who run the deployment
 * create schools and trusts. A school's staff — admins included — are refused, whatever their school.
 */
export const requireOperator = (deps: Deps, what: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const bearer = bearerOf(c);
    if (!bearer && !sessionSecretOf(c, deps.config)) {
      throw new HTTPException(401, { message: 'Sign in first: send an operator token as "Authorization: Bearer <token>".' });
    }
    const caller = bearer ? await authenticate(deps, bearer) : undefined;
    if (bearer && !caller) throw new HTTPException(401, { message: 'This API token is not valid (unknown or revoked).' });
    if (!caller || !isOperator(caller)) {
      throw new HTTPException(403, { message: `Only an operator of this Corridor can ${what}; a school’s admin cannot.` });
    }
    c.set('operator', caller);
    await next();
  });

/** Only a school's admins (after requireToken). */
export const requireAdmin = (what: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.get('principal').role !== 'admin') throw new HTTPException(403, { message: `Only an admin can ${what}.` });
    await next();
  });
