import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CliError } from './output';

/**
 * PUTs a file to a presigned URL, reporting bytes as they leave. Uses node:http rather than fetch so
 * the signed Content-Length is sent exactly and progress reflects the socket, not a buffer.
 */
export function putFile(
  url: string,
  headers: Record<string, string>,
  path: string,
  size: number,
  onProgress: (sent: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      { method: 'PUT', headers: { ...headers, 'content-length': String(size) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if ((response.statusCode ?? 500) < 300) resolve();
          else
            reject(
              new CliError(
                `The upload was refused (HTTP ${response.statusCode}): ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`,
              ),
            );
        });
      },
    );
    request.on('error', (error) => reject(new CliError(`The upload failed: ${error.message}`)));
    let sent = 0;
    const file = createReadStream(path);
    file.on('data', (chunk) => {
      sent += chunk.length;
      onProgress(sent);
    });
    file.on('error', (error) => reject(new CliError(`Cannot read ${path}: ${error.message}`)));
    file.pipe(request);
  });
}
