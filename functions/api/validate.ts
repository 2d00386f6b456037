import type { MiddlewareHandler } from 'hono';
import type * as z from 'zod';
import type { AppEnv } from './auth';
import { jsonBody } from './errors';

/** What a route declares it reads: the JSON body as the schema's input type (what hono's client sends). */
type JsonInput<T extends z.ZodType> = { in: { json: z.input<T> }; out: { json: z.input<T> } };

/** A body that passed `schema` is, by definition, one of its inputs. */
function isInputOf<T extends z.ZodType>(schema: T, body: unknown): body is z.input<T> {
  schema.parse(body); // throws the ZodError the error handler turns into a 400 in words
  return true;
}

/**
 * Validates the JSON body at the route, as honojs/middleware's zod-validator does, so core never gets an
 * unchecked body (no `as never`): malformed JSON is a 400 "not valid JSON" (errors.ts `jsonBody`, which
 * also cleans control characters), a body the schema refuses is a 400 listing what to fix.
 *
 * It hands on the body as sent (typed as the schema's input), not the parsed output: core parses it again
 * and some of it needs to know which fields were sent at all (settings: a partial update must not reset
 * the fields left out to their defaults). Put it after the role guard, so a caller without the role hears
 * "not allowed" before "wrong body".
 */
export function jsonOf<T extends z.ZodType>(schema: T): MiddlewareHandler<AppEnv, string, JsonInput<T>> {
  return async (c, next) => {
    const body = await jsonBody(c);
    // Every body schema is an object schema; a JSON number or string would have failed the parse.
    if (isInputOf(schema, body) && typeof body === 'object' && body !== null) c.req.addValidatedData('json', body);
    await next();
  };
}

/**
 * `jsonOf` for a route whose body may be left out (a draft's submit: the composer sends its face choices,
 * other callers nothing): no body reads as `{}`, which the schema must accept.
 */
export function optionalJsonOf<T extends z.ZodType>(schema: T): MiddlewareHandler<AppEnv, string, JsonInput<T>> {
  const withBody = jsonOf(schema);
  return async (c, next) => {
    const sent = (c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding') !== undefined;
    if (sent) return withBody(c, next);
    if (isInputOf(schema, {})) c.req.addValidatedData('json', {});
    await next();
  };
}
