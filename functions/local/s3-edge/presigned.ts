import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseIncomingKey } from '../../aws/keys';
import { S3Refusal } from './refusal';

/** The two operations a phone, the composer or the CLI sends through the edge (see core/media/uploads.ts, multipart.ts). */
export type UploadOperation = 'PutObject' | 'UploadPart';

/** A request the edge has verified: what it may forward to the emulator, and nothing else. */
export interface VerifiedUpload {
  operation: UploadOperation;
  key: string;
  /** The size signed into the URL: the body must be exactly this long. */
  contentLength: number;
  /** The type signed into the URL (single PUTs), forwarded as the object's Content-Type. */
  contentType?: string;
  /** For UploadPart: `partNumber` and `uploadId`; empty for PutObject. */
  query: URLSearchParams;
}

export interface EdgeSigning {
  /** The credentials the presigning client signs with (the emulators' local ones). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  /** The only bucket the edge accepts uploads into: the incoming bucket. */
  bucket: string;
  /** The path the edge is mounted at (`/_s3`); part of what the presigner signed. */
  prefix: string;
  now: () => Date;
}

/** S3 refuses presigned URLs valid for longer than a week; so does the edge. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
/** How far in the future a signing time may lie (clock skew), as S3 allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** Query parameters a presigned upload carries; anything else (`?acl`, `?uploads`, `?tagging` …) is refused. */
const AUTH_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Content-Sha256',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
] as const;
const OPERATION_PARAMS = ['x-id', 'partNumber', 'uploadId'] as const;
const ALLOWED_PARAMS = new Set<string>([...AUTH_PARAMS, ...OPERATION_PARAMS]);

const notAnUploadAddress = () =>
  new S3Refusal('AccessDenied', 'Corridor accepts uploads here only at the addresses it hands out for a new post.');

/**
 * Checks a request against what S3 itself would check for a presigned URL, recomputing the SigV4 query
 * signature the way the SDK's presigner made it (SignatureV4 with the same inputs):
 * the bucket and key (only keys Corridor hands out, so no `..`, `%2f` or other bucket), the operation
 * (PutObject or UploadPart, nothing else), the algorithm, credential scope and region, the signing time
 * and expiry, and the signature over method, path, query and the signed headers — among them the size,
 * and for a single PUT the content type.
 * @throws S3Refusal with S3's code and a plain sentence.
 */
export async function verifyPresignedUpload(
  request: { method: string; url: URL; header: (name: string) => string | undefined },
  signing: EdgeSigning,
): Promise<VerifiedUpload> {
  const { key, operation, query } = target(request.url, signing);
  const params = request.url.searchParams;
  if (request.header('authorization') !== undefined || params.get('X-Amz-Algorithm') === null) {
    throw new S3Refusal('AccessDenied', 'This upload has no signature. Use the upload link Corridor gave for this file.');
  }
  for (const name of AUTH_PARAMS) {
    if (params.getAll(name).length !== 1) {
      throw new S3Refusal('AuthorizationQueryParametersError', `The upload link is incomplete (${name} is missing or repeated).`);
    }
  }
  const get = (name: (typeof AUTH_PARAMS)[number]) => params.get(name) ?? '';
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || get('X-Amz-Content-Sha256') !== 'UNSIGNED-PAYLOAD') {
    throw new S3Refusal('AuthorizationQueryParametersError', 'The upload link is not signed the way Corridor signs them.');
  }
  const signedAt = parseAmzDate(get('X-Amz-Date'));
  const [accessKeyId, day, region, service, terminator, ...extra] = get('X-Amz-Credential').split('/');
  if (accessKeyId !== signing.credentials.accessKeyId) {
    throw new S3Refusal('InvalidAccessKeyId', 'The upload link was not signed by this Corridor.');
  }
  if (day !== get('X-Amz-Date').slice(0, 8) || region !== signing.region || service !== 's3' || terminator !== 'aws4_request') {
    throw new S3Refusal('AuthorizationQueryParametersError', 'The upload link is signed for another place or day.');
  }
  if (extra.length > 0) throw new S3Refusal('AuthorizationQueryParametersError', 'The upload link is malformed.');
  const expires = Number(get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
    throw new S3Refusal('AuthorizationQueryParametersError', 'The upload link has an impossible lifetime.');
  }
  const now = signing.now().getTime();
  if (signedAt.getTime() - MAX_SKEW_MS > now) {
    throw new S3Refusal('AccessDenied', 'The upload link is not valid yet. Check the phone’s clock.');
  }
  if (now > signedAt.getTime() + expires * 1000) {
    throw new S3Refusal('AccessDenied', 'This upload link has expired. Post the file again to get a new one.');
  }
  const signedHeaders = get('X-Amz-SignedHeaders').split(';');
  const required = ['content-length', 'host', ...(operation === 'PutObject' ? ['content-type'] : [])];
  const unsigned = required.filter((name) => !signedHeaders.includes(name));
  if (unsigned.length > 0) {
    throw new S3Refusal('AccessDenied', `The upload link must fix the file's ${unsigned.join(' and ')}, and this one does not.`);
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.header(name);
    if (value === undefined)
      throw new S3Refusal('SignatureDoesNotMatch', `The upload did not send the ${name} it was signed with.`);
    headers[name] = value;
  }
  const expected = await recomputeSignature(request, { ...signing, signedAt, expires, headers });
  const sent = get('X-Amz-Signature');
  if (!/^[0-9a-f]{64}$/.test(sent) || !timingSafeEqual(Buffer.from(sent, 'hex'), Buffer.from(expected, 'hex'))) {
    throw new S3Refusal(
      'SignatureDoesNotMatch',
      'This upload does not match its link: the file is not the size or type the link was made for, or the link was changed. Post the file again.',
    );
  }
  const contentLength = Number(headers['content-length']);
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
    throw new S3Refusal('InvalidRequest', 'The upload states no valid size.');
  }
  return { operation, key, contentLength, contentType: headers['content-type'], query };
}

/** The bucket, key and operation of the request; only Corridor's own incoming keys pass. */
function target(url: URL, signing: EdgeSigning): { key: string; operation: UploadOperation; query: URLSearchParams } {
  // The raw path, still percent-encoded: an encoded `/` or `.` is refused rather than decoded.
  const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname.slice(signing.prefix.length));
  if (!match || match[1] !== signing.bucket) {
    throw new S3Refusal(
      'AccessDenied',
      'Uploads are accepted only into Corridor’s incoming storage, at the addresses it hands out.',
    );
  }
  const key = match[2] ?? '';
  if (!parseIncomingKey(key)) throw notAnUploadAddress();
  for (const name of new Set(url.searchParams.keys())) {
    if (!ALLOWED_PARAMS.has(name)) throw new S3Refusal('InvalidRequest', `Uploads here take no “${name}” option.`);
  }
  const partNumber = url.searchParams.get('partNumber');
  const uploadId = url.searchParams.get('uploadId');
  const xId = url.searchParams.get('x-id');
  if (partNumber === null && uploadId === null && (xId === null || xId === 'PutObject')) {
    return { key, operation: 'PutObject', query: new URLSearchParams() };
  }
  if (partNumber !== null && /^[1-9]\d{0,4}$/.test(partNumber) && uploadId && (xId === null || xId === 'UploadPart')) {
    return { key, operation: 'UploadPart', query: new URLSearchParams({ partNumber, uploadId }) };
  }
  throw new S3Refusal('InvalidRequest', 'Only whole files and parts of a large file can be uploaded here.');
}

function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const date = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new S3Refusal('AuthorizationQueryParametersError', 'The upload link carries no valid signing time.');
  }
  return date;
}

/** Node's SHA-256 in the shape SignatureV4 asks for (a Checksum constructor, HMAC when given a secret). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/**
 * What the presigner would have produced for this request: the same method, host, path and query
 * (less the auth parameters it adds itself), the same signed headers, signing time and lifetime.
 * S3 signs paths unescaped (`uriEscapePath: false`), as the presigner did.
 */
async function recomputeSignature(
  request: { method: string; url: URL },
  signing: EdgeSigning & { signedAt: Date; expires: number; headers: Record<string, string> },
): Promise<string> {
  const query: Record<string, string> = {};
  for (const [name, value] of request.url.searchParams) {
    if (!(AUTH_PARAMS as readonly string[]).includes(name)) query[name] = value;
  }
  const signer = new SignatureV4({
    credentials: signing.credentials,
    region: signing.region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const host = signing.headers.host ?? '';
  const presigned = await signer.presign(
    {
      method: request.method,
      protocol: request.url.protocol,
      hostname: host.replace(/:\d+$/, ''),
      path: request.url.pathname,
      query,
      // The presigner put the payload hash in a header and hoisted it into the query; so does this.
      headers: { ...signing.headers, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    },
    {
      signingDate: signing.signedAt,
      expiresIn: signing.expires,
      signableHeaders: new Set(Object.keys(signing.headers)),
    },
  );
  return String(presigned.query?.['X-Amz-Signature'] ?? '');
}
