import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchUpload,
  NotFound,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { incomingKey } from '../../aws/keys';
import type { Deps } from '../deps';

/**
 * The incoming bucket's originals (`incoming/<school>/<post>/<media>`): the URLs a phone uploads to,
 * a large file's multipart upload, and the worker's reads. Originals may carry GPS and faces at full
 * resolution: they are private, never served, and deleted once their item settles.
 */

/** How long a presigned upload URL stays valid: long enough for a slow phone connection. */
export const UPLOAD_URL_SECONDS = 60 * 60;

type Owner = { schoolId: string; postId: string; id: string };
const keyOf = (item: Owner) => incomingKey(item.schoolId, item.postId, item.id);

const isNamed = (error: unknown, name: string) => (error as { name?: string }).name === name;

/** A presigned single PUT of the declared size and type. */
export async function presignSingleUpload(deps: Deps, item: Owner, contentType: string, bytes: number): Promise<string> {
  const command = new PutObjectCommand({
    Bucket: deps.config.incomingBucket,
    Key: keyOf(item),
    ContentType: contentType,
    // Signed, so S3 refuses a body of another size than the one that passed the limit check.
    ContentLength: bytes,
  });
  // The presigner leaves Content-Type unsigned unless asked: signed, S3 (and the local edge) refuse a body
  // sent as another type than the one declared.
  return getSignedUrl(deps.clients.s3Presign, command, {
    expiresIn: UPLOAD_URL_SECONDS,
    signableHeaders: new Set(['content-type']),
  });
}

/** Starts a multipart upload of the original; returns its id. */
export async function createMultipartUpload(deps: Deps, item: Owner, contentType: string): Promise<string> {
  const { UploadId } = await deps.clients.s3.send(
    new CreateMultipartUploadCommand({ Bucket: deps.config.incomingBucket, Key: keyOf(item), ContentType: contentType }),
  );
  if (!UploadId) throw new Error('S3 returned no UploadId');
  return UploadId;
}

/** A presigned PUT of one part, signed with its exact size. */
export async function presignPart(deps: Deps, item: Owner, uploadId: string, partNumber: number, bytes: number): Promise<string> {
  const command = new UploadPartCommand({
    Bucket: deps.config.incomingBucket,
    Key: keyOf(item),
    UploadId: uploadId,
    PartNumber: partNumber,
    ContentLength: bytes,
  });
  return getSignedUrl(deps.clients.s3Presign, command, { expiresIn: UPLOAD_URL_SECONDS });
}

/** Joins the parts into the original. An upload already completed (a retry after a lost answer) is a no-op. */
export async function completeMultipartUpload(
  deps: Deps,
  item: Owner,
  uploadId: string,
  parts: { PartNumber: number; ETag: string | undefined }[],
): Promise<void> {
  try {
    await deps.clients.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: deps.config.incomingBucket,
        Key: keyOf(item),
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    // Already completed by an earlier call whose answer was lost: the object exists, the worker has it.
    if (!(error instanceof NoSuchUpload)) throw error;
  }
}

/** Aborts a multipart upload (its parts go); one already gone is fine. */
export async function abortMultipartUpload(deps: Deps, item: Owner, uploadId: string): Promise<void> {
  await deps.clients.s3
    .send(new AbortMultipartUploadCommand({ Bucket: deps.config.incomingBucket, Key: keyOf(item), UploadId: uploadId }))
    .catch((error) => {
      if (!(error instanceof NoSuchUpload) && !isNamed(error, 'NoSuchUpload')) throw error;
    });
}

export async function deleteOriginal(deps: Deps, key: string): Promise<void> {
  // Originals may carry GPS and faces at full resolution: they are never served and never kept.
  await deps.clients.s3.send(new DeleteObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
}

/** Whether an original is in the bucket. */
export async function originalExists(deps: Deps, key: string): Promise<boolean> {
  try {
    await deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof NotFound || isNamed(error, 'NotFound')) return false;
    throw error;
  }
}

/** The original's size in bytes (S3's `NotFound` when it is not in the bucket). */
export async function originalSize(deps: Deps, key: string): Promise<number> {
  const head = await deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
  return head.ContentLength ?? 0;
}

/** Streams the original to a local file (a video can be a gigabyte: never a Buffer). */
export async function downloadOriginal(deps: Deps, key: string, path: string): Promise<void> {
  const object = await deps.clients.s3.send(new GetObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
  await pipeline(object.Body as Readable, createWriteStream(path));
}
