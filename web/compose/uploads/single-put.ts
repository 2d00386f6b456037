import { NetworkError } from '../api';
import { UploadRefused, type UploadStrategy } from './strategy';

/**
 * One presigned PUT. XMLHttpRequest rather than fetch because only XHR reports upload progress
 * (`upload.onprogress`) in every browser; fetch upload streaming has no progress events.
 */
export const singlePut: UploadStrategy = {
  name: 'single-put',
  handles: (instruction) => instruction.method === 'PUT' && (!instruction.strategy || instruction.strategy === 'single'),
  upload: ({ instruction, file, onProgress, signal }) =>
    new Promise<void>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(instruction.method, instruction.url);
      for (const [name, value] of Object.entries(instruction.headers)) {
        // The browser sets Content-Length itself (it is a forbidden header name).
        if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
      }
      xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(file.size, file.size);
          resolve();
        } else reject(new UploadRefused(xhr.status));
      };
      xhr.onerror = () => reject(new NetworkError('The connection dropped during the upload.'));
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = () => reject(new NetworkError('The upload was stopped.'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    }),
};
