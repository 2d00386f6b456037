import type { UploadInstruction } from '../api';

/** One file to send where the API said, reporting real bytes sent. */
export interface UploadJob {
  instruction: UploadInstruction;
  file: Blob;
  onProgress(sentBytes: number, totalBytes: number): void;
  signal?: AbortSignal;
}

/**
 * A way of sending a file (one module each): a single presigned PUT today; multipart with resume for
 * large video later. The API's instruction says which one applies.
 */
export interface UploadStrategy {
  name: string;
  handles(instruction: UploadInstruction): boolean;
  upload(job: UploadJob): Promise<void>;
}

/** Storage refused the bytes (expired URL, wrong size): asking the API again gives a fresh URL. */
export class UploadRefused extends Error {
  constructor(readonly status: number) {
    super(`Storage refused the upload (${status}).`);
    this.name = 'UploadRefused';
  }
}
