import * as z from 'zod';
/** The statuses a core error may answer with (a subset of what hono's `c.json` accepts). */
export type DomainStatus = 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503;

export interface DomainErrorOptions {
  /** Sentences a person reads under the message (the pupils concerned, the lines of a file that are wrong). */
  details?: string[];
  /** Headers the answer carries (Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one base of every error core throws on purpose. It knows its answer — a stable `code` for programs
 * (the API's `error.code`, what the CLI and the composer branch on) and the HTTP `status` — so the edge maps
 * any of them without a list of classes (as hono's HTTPException and serverless-image-handler's
 * ImageHandlerError do). Subclasses exist for the callers that catch one kind (`instanceof MediaRejected`),
 * not for the edge.
 *
 * A status of 500 or more means the error is ours, not the user's: the edge logs it and answers a general
 * sentence, because its message may hold internals (a tool's stderr, a table key). The errors that should
 * never reach the edge at all (a busy lease, a retryable push) are 503: if one ever escapes, "try again"
 * is the true answer.
 */
export class DomainError extends Error {
  readonly details: string[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: string,
    readonly status: DomainStatus,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** Whether the message is for the person who asked (4xx), or only for the logs (5xx). */
  get exposed(): boolean {
    return this.status < 500;
  }
}

/** A failure as a record keeps it (a post's or a media item's): a stable code and words for people. */
export const failureSchema = z.object({ code: z.string(), message: z.string() });
export type Failure = z.infer<typeof failureSchema>;
