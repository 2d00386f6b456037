import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { logger } from '../aws/telemetry';
import { DomainError } from '../core/errors';
import { cleanDeep } from '../core/security/text';
import { plainIssues } from './plain-issues';

/** Every error body has one shape: a stable code for programs and a sentence for people. */
export interface ErrorBody {
  error: { code: string; message: string; details?: string[] };
}

export const errorBody = (code: string, message: string, details?: string[]): ErrorBody => ({
  error: { code, message, ...(details ? { details } : {}) },
});

/** Maps anything thrown by a route to a clear JSON answer; unknown errors are logged, not leaked. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ZodError) {
    const details = plainIssues(error);
    return c.json(errorBody('invalid_request', `Please check: ${details.join(' ')}`, details), 400);
  }
  if (error instanceof DomainError) {
    // The error knows its answer (core/errors.ts): no list of classes here.
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    if (error.exposed) return c.json(errorBody(error.code, error.message, error.details), error.status);
    logger.error(`API error ${error.code}`, { path: c.req.path, error });
    return c.json(errorBody(error.code, 'Something went wrong on our side. Please try again.'), error.status);
  }
  if (error instanceof HTTPException) {
    return c.json(errorBody(codeForStatus(error.status), error.message), error.status as ContentfulStatusCode);
  }
  logger.error('unhandled API error', { path: c.req.path, error });
  return c.json(errorBody('internal', 'Something went wrong on our side. Please try again.'), 500);
}

function codeForStatus(status: number): string {
  return (
    (
      {
        400: 'bad_request',
        401: 'unauthorized',
        403: 'forbidden',
        404: 'not_found',
        409: 'conflict',
        413: 'too_large',
      } as Record<number, string>
    )[status] ?? 'error'
  );
}

/**
 * Parses a JSON body, answering 400 with words (not a stack trace) when it is not JSON. Every string in
 * it is cleaned of control characters and NFC-normalised here, at the boundary (core/security/text.ts).
 */
export async function jsonBody(c: Context): Promise<unknown> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HTTPException(400, { message: 'The request body is not valid JSON.' });
  }
  return cleanDeep(body);
}
