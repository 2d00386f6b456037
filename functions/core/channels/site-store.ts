import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { deleteKeys, listKeys } from '../../aws/s3-prefix';
import type { Deps } from '../deps';
import type { Artifact } from './artifacts';

/** Index files change with every post: short-lived in caches, and invalidated on retract. */
export const ARTIFACT_CACHE_CONTROL = 'public, max-age=60';

/** Writes one rendered artifact to the site bucket, where CloudFront (or the local server) serves it. */
export async function writeArtifact(deps: Deps, { key, body, contentType }: Artifact): Promise<void> {
  await deps.clients.s3.send(
    new PutObjectCommand({
      Bucket: deps.config.siteBucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      CacheControl: ARTIFACT_CACHE_CONTROL,
    }),
  );
}

/** Removes an artifact; removing one that is already gone is fine. */
export async function deleteArtifact(deps: Deps, key: string): Promise<void> {
  await deps.clients.s3.send(new DeleteObjectCommand({ Bucket: deps.config.siteBucket, Key: key }));
}

/** Removes every object under a key prefix (a channel's old address); returns the keys it removed. */
export async function deleteArtifactsUnder(deps: Deps, prefix: string): Promise<string[]> {
  const keys = await listKeys(deps.clients.s3, deps.config.siteBucket, prefix);
  await deleteKeys(deps.clients.s3, deps.config.siteBucket, keys);
  return keys;
}
