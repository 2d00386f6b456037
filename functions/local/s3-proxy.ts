import { Hono } from 'hono';
import { type EdgeSigning, type VerifiedUpload, verifyPresignedUpload } from './s3-edge/presigned';
import { S3Refusal, s3ErrorResponse } from './s3-edge/refusal';

/** The path prefix under which the local server takes presigned uploads and forwards them to s3rver. */
export const S3_PROXY_PREFIX = '/_s3';

export interface S3EdgeOptions extends Omit<EdgeSigning, 'prefix' | 'now'> {
  /** The clock expiry is checked against: the presigner's (real time) unless a test says otherwise. */
  now?: () => Date;
  /** The S3 emulator the verified uploads go to. */
  s3Endpoint: string;
}

/**
 * Locally, phones and browsers upload to the app's own origin (`/_s3/…`): one origin means no CORS set-up
 * and a phone on the school Wi-Fi reaches it. On AWS the presigned URLs point at S3 itself, which checks
 * them; s3rver checks nothing (it answers listings, downloads and unsigned writes, and writes keys with
 * `..` outside its folder), so this edge does what S3 would before anything reaches it: only presigned
 * PUTs of Corridor's own incoming keys (a whole file, or a part of a large one), with the signature,
 * expiry, signed size and signed type verified. No listing, no download (originals are never served;
 * processed media are served at `/media/`), no other bucket, operation or header.
 */
export function s3Proxy(options: S3EdgeOptions) {
  const signing: EdgeSigning = { now: () => new Date(), ...options, prefix: S3_PROXY_PREFIX };
  const app = new Hono();
  // `/_s3` itself too: a listing of every bucket must be refused here, not fall through to other routes.
  app.on(['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'], [S3_PROXY_PREFIX, `${S3_PROXY_PREFIX}/*`], async (c) => {
    const url = new URL(c.req.url);
    try {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        throw new S3Refusal(
          'AccessDenied',
          'Nothing can be listed or downloaded here. Uploaded originals are never served; published photos and recordings are at /media/.',
        );
      }
      if (c.req.method !== 'PUT')
        throw new S3Refusal('MethodNotAllowed', 'Only uploads (PUT) through a link from Corridor are accepted here.');
      const upload = await verifyPresignedUpload({ method: c.req.method, url, header: (name) => c.req.header(name) }, signing);
      return await forward(`${options.s3Endpoint}/${options.bucket}`, upload, c.req.raw.body);
    } catch (error) {
      if (error instanceof S3Refusal) return s3ErrorResponse(error, url.pathname);
      throw error;
    }
  });
  return app;
}

/**
 * Sends the verified upload on with only the headers S3 would act on for it (size and the signed type:
 * no cookies, no `x-amz-copy-source`, no metadata), streaming the body through without buffering a video,
 * and stopping it the moment it runs past the signed size.
 */
async function forward(bucketUrl: string, upload: VerifiedUpload, body: ReadableStream<Uint8Array> | null): Promise<Response> {
  const search = upload.query.size > 0 ? `?${upload.query}` : '';
  const headers: Record<string, string> = { 'content-length': String(upload.contentLength) };
  if (upload.contentType) headers['content-type'] = upload.contentType;
  const response = await fetch(`${bucketUrl}/${upload.key}${search}`, {
    method: 'PUT',
    headers,
    body: limited(body, upload.contentLength),
    duplex: 'half',
  } as RequestInit).catch((error: unknown) => {
    if (error instanceof S3Refusal) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof S3Refusal) throw cause;
    throw error;
  });
  const etag = response.headers.get('etag');
  return new Response(response.body, {
    status: response.status,
    headers: { 'content-type': response.headers.get('content-type') ?? 'application/xml', ...(etag ? { etag } : {}) },
  });
}

/**
 * The request body, cut off with S3's words when it runs past the signed size or ends short of it.
 * (Node's HTTP parser already holds a body to its Content-Length; this makes the edge not depend on it.)
 */
function limited(body: ReadableStream<Uint8Array> | null, signedBytes: number): ReadableStream<Uint8Array> | null {
  if (!body)
    return signedBytes === 0 ? null : failing(new S3Refusal('IncompleteBody', 'The upload ended before the whole file arrived.'));
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > signedBytes) {
          controller.error(new S3Refusal('EntityTooLarge', 'This file is larger than the size its upload link was made for.'));
          return;
        }
        controller.enqueue(chunk);
      },
      flush(controller) {
        if (seen < signedBytes)
          controller.error(new S3Refusal('IncompleteBody', 'The upload ended before the whole file arrived.'));
      },
    }),
  );
}

const failing = (error: Error) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.error(error);
    },
  });
