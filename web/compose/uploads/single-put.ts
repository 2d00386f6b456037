import type { SingleUpload } from '../api';
import { putBlob } from './put-blob';
import type { UploadStrategy } from './strategy';

/** A file up to the multipart threshold: one presigned PUT. A dropped signal means sending it again. */
export const singlePut: UploadStrategy<SingleUpload> = async ({ instruction, file, onProgress, signal }) => {
  await putBlob(instruction.url, instruction.headers, file, (sent) => onProgress(sent, file.size), signal);
};
