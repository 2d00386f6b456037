import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The little of a Koa context the middleware reads and writes (s3rver is a Koa app). */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

/**
 * AbortMultipartUpload for s3rver, which does not implement it (it answers 405): the sweeper aborts the
 * multipart upload of a file that never arrived, and on AWS that removes its parts. s3rver keeps an
 * upload's parts in `<bucket>/._S3rver_uploads/<uploadId>/` beside a `key` file; this removes that
 * folder, answering as S3 does (204, or 404 NoSuchUpload), so the same SDK call works on both.
 */
export function abortMultipartUpload(directory: string) {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    const uploadId = ctx.query.uploadId;
    const target = /^\/([a-z0-9.-]+)\/(.+)$/.exec(ctx.path);
    if (ctx.method !== 'DELETE' || typeof uploadId !== 'string' || !target) return next();
    const [, bucket = '', key = ''] = target;
    // s3rver's upload ids are 32 hex digits: anything else cannot name a folder of ours.
    const folder = /^[0-9a-f]{32}$/.test(uploadId) ? join(directory, bucket, '._S3rver_uploads', uploadId) : undefined;
    const storedKey = folder ? await readFile(join(folder, 'key'), 'utf8').catch(() => undefined) : undefined;
    if (!folder || storedKey !== decodeURIComponent(key)) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
      return;
    }
    await rm(folder, { recursive: true, force: true });
    ctx.status = 204;
  };
}
