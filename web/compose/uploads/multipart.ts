import type { MultipartUpload } from '../api';
import { putBlob } from './put-blob';
import { UploadRefused, type UploadStrategy } from './strategy';

/**
 * A large file (a video newsletter) in parts. The API's instruction lists only the parts that have not
 * arrived, so resuming after a drop needs nothing here: the sender asks the API again (same
 * idempotency key) and sends what is still missing — a lost signal costs one part, not the file.
 */
export const multipart: UploadStrategy<MultipartUpload> = async ({ api, postId, instruction, file, onProgress, signal }) => {
  const partSize = (n: number) => Math.min(instruction.partBytes, file.size - (n - 1) * instruction.partBytes);
  let done = instruction.received.reduce((sum, n) => sum + partSize(n), 0);
  onProgress(done, file.size);
  for (const part of instruction.parts) {
    const start = (part.partNumber - 1) * instruction.partBytes;
    const blob = file.slice(start, start + part.bytes);
    const etag = await putBlob(part.url, {}, blob, (sent) => onProgress(done + sent, file.size), signal);
    if (!etag) throw new UploadRefused(0);
    await api.recordPart(postId, instruction.mediaId, part.partNumber, etag);
    done += part.bytes;
  }
  await api.completeUpload(postId, instruction.mediaId);
};
