import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { authenticate, type Principal } from '../core/auth/tokens';
import type { Deps } from '../core/deps';

export type AppEnv = { Variables: { principal: Principal } };

/** Requires `Authorization: Bearer <token>`; sets the caller's principal for the route. */
export const requireToken = (deps: Deps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new HTTPException(401, { message: 'Sign in first: send an API token as "Authorization: Bearer <token>".' });
    const principal = await authenticate(deps, token);
    if (!principal) throw new HTTPException(401, { message: 'This API token is not valid (unknown or revoked).' });
    c.set('principal', principal);
    await next();
  });
