import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { completeMultipartUpload, createMultipartUpload, presignPart } from './incoming-store';
import type { MediaItem } from './item';
import { recordUploadId, recordUploadPart } from './item-store';

/** Files above this go up in parts: a dropped signal costs one part, not the whole file. */
export const MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024;
/** S3 parts are at least 5 MiB (but the last); 8 MiB keeps a 1 GB video at 128 parts. */
export const PART_BYTES = 8 * 1024 * 1024;

/** A large file's upload: where each missing part goes, and which parts already arrived. */
export interface MultipartInstruction {
  mediaId: string;
  kind: 'multipart';
  partBytes: number;
  totalParts: number;
  /** Part numbers already recorded as arrived: a resuming client skips these. */
  received: number[];
  /** Presigned PUTs for the missing parts; each answers with the part's `ETag`, which the client reports. */
  parts: { partNumber: number; bytes: number; url: string }[];
}

/** A client tried to finish an upload before every part arrived. */
export class UploadIncomplete extends DomainError {
  override name = 'UploadIncomplete';
  constructor(message: string, options?: DomainErrorOptions) {
    super('upload_incomplete', 409, message, options);
  }
}

export const partCount = (bytes: number) => Math.max(1, Math.ceil(bytes / PART_BYTES));
const partSize = (bytes: number, partNumber: number) => Math.min(PART_BYTES, bytes - (partNumber - 1) * PART_BYTES);
const receivedParts = (item: MediaItem) =>
  Object.keys(item.parts ?? {})
    .map(Number)
    .sort((a, b) => a - b);

/**
 * Starts (once) or resumes a multipart upload: presigned URLs for the parts that have not arrived, each
 * signed with its exact size so S3 refuses a body over the limit that was checked.
 */
export async function multipartInstruction(deps: Deps, item: MediaItem): Promise<MultipartInstruction> {
  const uploadId = item.uploadId ?? (await startMultipart(deps, item));
  const totalParts = partCount(item.declaredBytes);
  const received = receivedParts(item);
  const missing = Array.from({ length: totalParts }, (_, i) => i + 1).filter((n) => !received.includes(n));
  const parts = await Promise.all(
    missing.map(async (partNumber) => {
      const bytes = partSize(item.declaredBytes, partNumber);
      return { partNumber, bytes, url: await presignPart(deps, item, uploadId, partNumber, bytes) };
    }),
  );
  return { mediaId: item.id, kind: 'multipart', partBytes: PART_BYTES, totalParts, received, parts };
}

/** Creates the S3 upload and records its id; when a concurrent request recorded one first, that one wins. */
async function startMultipart(deps: Deps, item: MediaItem): Promise<string> {
  const uploadId = await createMultipartUpload(deps, item, item.declaredType);
  // When another request's id won, ours is orphaned; the incoming bucket's lifecycle rule aborts incomplete uploads after a day.
  return recordUploadId(deps, { postId: item.postId, mediaId: item.id }, uploadId);
}

/** Records that a part arrived (the client reports the ETag S3 gave it). Repeating it is harmless. */
export async function recordPart(deps: Deps, item: MediaItem, partNumber: number, etag: string): Promise<void> {
  if (!item.uploadId) throw new UploadIncomplete('this file is not being uploaded in parts');
  if (partNumber < 1 || partNumber > partCount(item.declaredBytes)) {
    throw new UploadIncomplete(`part ${partNumber} is outside 1–${partCount(item.declaredBytes)}`);
  }
  await recordUploadPart(deps, { postId: item.postId, mediaId: item.id }, partNumber, etag);
}

/**
 * Joins the parts into the original; S3 then announces it and the media worker takes over. Finishing an
 * upload that was already finished (a retry after a lost answer) is a no-op.
 * @throws UploadIncomplete naming the parts still missing.
 */
export async function completeMultipart(deps: Deps, item: MediaItem): Promise<void> {
  if (item.state !== 'awaiting_upload' || !item.uploadId) return;
  const total = partCount(item.declaredBytes);
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !item.parts?.[String(n)]);
  if (missing.length > 0) throw new UploadIncomplete(`parts ${missing.join(', ')} of ${total} have not arrived yet`);
  const parts = receivedParts(item).map((n) => ({ PartNumber: n, ETag: item.parts?.[String(n)] }));
  await completeMultipartUpload(deps, item, item.uploadId, parts);
}
