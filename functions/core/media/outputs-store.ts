import { createHash } from 'node:crypto';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { siteKeys } from '../../aws/keys';
import { deleteKeys } from '../../aws/s3-prefix';
import type { Deps } from '../deps';
import type { MediaOutput, StoredOutput } from './media';

/** Media never changes under its key, so browsers and CloudFront may keep it for a year. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Stores one media item's processed outputs under content-addressed keys. Storing the same bytes twice (a
 * retried job) writes the same key, so retries cannot leave a second copy behind. The address includes
 * the media item and the key sits under the post's prefix: two posts of the very same photo get their own
 * objects, so retracting one (which deletes its media and invalidates its prefix) leaves the other whole.
 */
export async function storeOutputs(
  deps: Deps,
  { postId, mediaId }: { postId: string; mediaId: string },
  outputs: MediaOutput[],
): Promise<StoredOutput[]> {
  return Promise.all(
    outputs.map(async (output) => {
      const hash = createHash('sha256').update(mediaId).update('\u0000').update(output.bytes).digest('base64url').slice(0, 32);
      const key = siteKeys.media(postId, `${hash}.${output.extension}`);
      await deps.clients.s3.send(
        new PutObjectCommand({
          Bucket: deps.config.siteBucket,
          Key: key,
          Body: output.bytes,
          ContentType: output.contentType,
          CacheControl: IMMUTABLE_CACHE_CONTROL,
        }),
      );
      return {
        role: output.role,
        key,
        contentType: output.contentType,
        bytes: output.bytes.length,
        ...(output.width ? { width: output.width } : {}),
        ...(output.height ? { height: output.height } : {}),
      };
    }),
  );
}

/** Deletes stored outputs (retract). Missing keys are fine: deleting is idempotent. */
export async function deleteOutputs(deps: Deps, keys: string[]): Promise<void> {
  await deleteKeys(deps.clients.s3, deps.config.siteBucket, keys);
}

/** Reads a stored output's bytes (a face edit re-renders from the largest one). */
export async function readOutput(deps: Deps, key: string): Promise<Buffer> {
  const object = await deps.clients.s3.send(new GetObjectCommand({ Bucket: deps.config.siteBucket, Key: key }));
  return Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

/** Copies a stored output to another key in the site bucket, with its type and cache headers. */
export async function copyOutput(deps: Deps, from: string, to: string): Promise<void> {
  await deps.clients.s3.send(
    new CopyObjectCommand({
      Bucket: deps.config.siteBucket,
      Key: to,
      CopySource: `${deps.config.siteBucket}/${from}`,
      MetadataDirective: 'COPY',
    }),
  );
}
