import { NetworkError } from '../api';
import { UploadRefused } from './strategy';

/**
 * PUTs a blob to a presigned URL and resolves with the `ETag` storage answered. XMLHttpRequest rather
 * than fetch because only XHR reports upload progress (`upload.onprogress`) in every browser; fetch
 * upload streaming has no progress events.
 */
export function putBlob(
  url: string,
  headers: Record<string, string>,
  blob: Blob,
  onProgress: (sentBytes: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) {
      // The browser sets Content-Length itself (it is a forbidden header name).
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(blob.size);
        // Readable cross-origin only because the incoming bucket's CORS exposes ETag (infra/storage.ts).
        resolve(xhr.getResponseHeader('etag') ?? '');
      } else reject(new UploadRefused(xhr.status));
    };
    xhr.onerror = () => reject(new NetworkError('The connection dropped during the upload.'));
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => reject(new NetworkError('The upload was stopped.'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}
