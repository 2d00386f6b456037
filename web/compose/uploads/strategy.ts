import type { Api, UploadInstruction } from '../api';

/** One file to send where the API said, reporting real bytes sent. */
export interface UploadJob<I extends UploadInstruction = UploadInstruction> {
  api: Api;
  postId: string;
  instruction: I;
  file: Blob;
  onProgress(sentBytes: number, totalBytes: number): void;
  signal?: AbortSignal;
}

/** A way of sending a file, one module each; the instruction's `kind` picks it. */
export type UploadStrategy<I extends UploadInstruction> = (job: UploadJob<I>) => Promise<void>;

/** Storage refused the bytes (expired URL, wrong size): asking the API again gives a fresh URL. */
export class UploadRefused extends Error {
  constructor(readonly status: number) {
    super(status ? `Storage refused the upload (${status}).` : 'Storage did not confirm the part it received.');
    this.name = 'UploadRefused';
  }
}
