import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { ApprovalConflict } from '../core/approval/approval';
import { ConsentRequired, describePupil } from '../core/consent/check';
import { RosterRejected } from '../core/consent/import';
import { FamilyNotFound } from '../core/data-protection/erase';
import { RateLimited } from '../core/limits/rate-limit';
import { UploadIncomplete } from '../core/media/multipart';
import { PostInputError } from '../core/posts/create';
import { PostNotFound } from '../core/posts/edit';
import { ClassChangeRefused } from '../core/schools/classes';
import { SchoolChangeRefused, SchoolExists } from '../core/schools/create';
import { JoinLinkConflict } from '../core/schools/join-link-rotation';
import { SettingRefused } from '../core/schools/settings';
import { TrustExists } from '../core/schools/trust';
import { YearChangeRefused } from '../core/schools/year/plan';
import { cleanDeep } from '../core/security/text';
import { StaffChangeRefused } from '../core/staff/invite';
import { CorrectionRefused } from '../core/translate/corrections';
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
  if (error instanceof PostInputError) return c.json(errorBody('invalid_post', error.message), 422);
  if (error instanceof UploadIncomplete) return c.json(errorBody('upload_incomplete', error.message), 409);
  if (error instanceof PostNotFound || error instanceof FamilyNotFound) return c.json(errorBody('not_found', error.message), 404);
  if (error instanceof StaffChangeRefused) return c.json(errorBody('refused', error.message), 409);
  if (error instanceof SchoolExists || error instanceof TrustExists) return c.json(errorBody('conflict', error.message), 409);
  if (error instanceof SchoolChangeRefused || error instanceof ClassChangeRefused || error instanceof SettingRefused)
    return c.json(errorBody('refused', error.message), 422);
  if (error instanceof CorrectionRefused)
    return c.json(
      errorBody(error.kind === 'conflict' ? 'conflict' : 'invalid_translation', error.message),
      error.kind === 'conflict' ? 409 : 422,
    );
  if (error instanceof YearChangeRefused) return c.json(errorBody('invalid_year_change', error.message), 422);
  if (error instanceof ConsentRequired) {
    return c.json(errorBody('consent_required', error.message, error.pupils.map(describePupil)), 409);
  }
  if (error instanceof RosterRejected) return c.json(errorBody('invalid_roster', error.message, error.problems), 422);
  if (error instanceof ApprovalConflict || error instanceof JoinLinkConflict)
    return c.json(errorBody('conflict', error.message), 409);
  if (error instanceof RateLimited) {
    c.header('retry-after', String(error.retryAfterSeconds));
    return c.json(errorBody('rate_limited', error.message), 429);
  }
  if (error instanceof HTTPException) {
    return c.json(errorBody(codeForStatus(error.status), error.message), error.status as ContentfulStatusCode);
  }
  console.error('unhandled API error', error);
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
