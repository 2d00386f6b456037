import { randomUUID } from 'node:crypto';

/** S3's error codes the edge answers with, each with the HTTP status S3 gives it. */
const statusOf = {
  AccessDenied: 403,
  SignatureDoesNotMatch: 403,
  InvalidAccessKeyId: 403,
  AuthorizationQueryParametersError: 400,
  InvalidRequest: 400,
  InvalidURI: 400,
  MethodNotAllowed: 405,
  EntityTooLarge: 400,
  IncompleteBody: 400,
} as const;
export type S3ErrorCode = keyof typeof statusOf;

/** Why the edge refused a request: S3's code for programs, a sentence for the person who sent it. */
export class S3Refusal extends Error {
  override name = 'S3Refusal';
  constructor(
    readonly code: S3ErrorCode,
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return statusOf[this.code];
  }
}

const xmlText = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/**
 * The refusal as S3 shapes it (`<Error><Code>…</Code><Message>…</Message>…</Error>`), so the SDK, the
 * CLI and the composer read it as they would read S3's own; the message is in plain words.
 */
export function s3ErrorResponse(refusal: S3Refusal, resource: string): Response {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${xmlText(
    refusal.message,
  )}</Message><Resource>${xmlText(resource)}</Resource><RequestId>${randomUUID()}</RequestId></Error>`;
  return new Response(body, {
    status: refusal.status,
    headers: { 'content-type': 'application/xml', 'cache-control': 'no-store' },
  });
}
