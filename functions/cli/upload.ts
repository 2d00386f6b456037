import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { UploadInstruction } from '../api/client';
import { type ApiTarget, answer, cliApi, segment } from './api-client';
import { CliError } from './output';

/** How often a large upload asks again which parts arrived, after the network drops, before giving up. */
const MAX_RESUMES = 5;
const RESUME_DELAY_MS = 2000;

/**
 * PUTs a byte range of a file to a presigned URL, reporting bytes as they leave, and returns the
 * `ETag` S3 answered. Uses node:http rather than fetch so the signed Content-Length is sent exactly and
 * progress reflects the socket, not a buffer.
 */
export function putFile(
  url: string,
  headers: Record<string, string>,
  path: string,
  range: { start: number; bytes: number },
  onProgress: (sent: number) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      { method: 'PUT', headers: { ...headers, 'content-length': String(range.bytes) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if ((response.statusCode ?? 500) < 300) resolve(String(response.headers.etag ?? ''));
          else
            reject(
              new CliError(
                `The upload was refused (HTTP ${response.statusCode}): ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`,
              ),
            );
        });
      },
    );
    request.on('error', (error) => reject(new CliError(`The upload failed: ${error.message}`, true)));
    let sent = 0;
    const file = createReadStream(path, { start: range.start, end: range.start + range.bytes - 1 });
    file.on('data', (chunk) => {
      sent += chunk.length;
      onProgress(sent);
    });
    file.on('error', (error) => reject(new CliError(`Cannot read ${path}: ${error.message}`)));
    file.pipe(request);
  });
}

/**
 * Sends one file as its instruction says. A large file goes in parts; when the network drops, it asks
 * the API which parts arrived and sends only the rest, so a lost signal costs one part, not the file.
 */
export async function sendFile(
  target: ApiTarget,
  postId: string,
  first: UploadInstruction,
  file: { path: string; bytes: number },
  onProgress: (sent: number) => void,
): Promise<void> {
  if (first.kind === 'single') {
    await putFile(first.url, first.headers, file.path, { start: 0, bytes: file.bytes }, onProgress);
    return;
  }
  const uploads = cliApi(target).api.posts[':postId'].uploads[':mediaId'];
  const param = { postId: segment(postId), mediaId: segment(first.mediaId) };
  let instruction = first;
  for (let resumes = 0; ; resumes++) {
    let done = instruction.received.length * instruction.partBytes;
    try {
      for (const part of instruction.parts) {
        const start = (part.partNumber - 1) * instruction.partBytes;
        const etag = await putFile(part.url, {}, file.path, { start, bytes: part.bytes }, (sent) =>
          onProgress(Math.min(done + sent, file.bytes)),
        );
        await answer(
          uploads.parts[':partNumber'].$put({ param: { ...param, partNumber: String(part.partNumber) }, json: { etag } }),
        );
        done += part.bytes;
      }
      await answer(uploads.complete.$post({ param }));
      return;
    } catch (error) {
      if (!(error instanceof CliError && error.retryable) || resumes >= MAX_RESUMES) throw error;
      await new Promise((resolve) => setTimeout(resolve, RESUME_DELAY_MS));
      const { upload } = await answer(uploads.$get({ param }));
      if (!upload) return;
      if (upload.kind !== 'multipart') throw new CliError('The server changed how this file is uploaded; post it again.');
      instruction = upload;
    }
  }
}
