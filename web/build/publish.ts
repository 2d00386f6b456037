import { type CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IMMUTABLE, type WebAsset } from './assets';

export interface PublishedWeb {
  uploaded: number;
  /** Stable-named files a deploy changed in place: the CDN must drop its copies. */
  invalidate: string[];
}

/**
 * Copies the web build into the site bucket, under the keys the CDN serves (`embed.js`, `compose/…`),
 * each with its own Content-Type and Cache-Control. Content-hashed files go first, so a page or service
 * worker never points at a script that is not there yet; nothing else in the bucket is touched.
 */
export async function publishWebBuild(s3: S3Client, bucket: string, assets: Iterable<WebAsset>): Promise<PublishedWeb> {
  const all = [...assets];
  const hashed = all.filter((a) => a.cacheControl === IMMUTABLE);
  const stable = all.filter((a) => a.cacheControl !== IMMUTABLE);
  for (const batch of [hashed, stable]) {
    await Promise.all(
      batch.map((asset) =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: asset.path,
            Body: asset.body,
            ContentType: asset.contentType,
            CacheControl: asset.cacheControl,
          }),
        ),
      ),
    );
  }
  return { uploaded: all.length, invalidate: stable.map((a) => `/${a.path}`) };
}

/** Asks CloudFront to drop the stable-named files (one invalidation; the first 1,000 paths a month are free). */
export async function invalidateWebBuild(cloudfront: CloudFrontClient, distributionId: string, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await cloudfront.send(
    new CreateInvalidationCommand({
      DistributionId: distributionId,
      InvalidationBatch: { CallerReference: `web-${Date.now()}`, Paths: { Quantity: paths.length, Items: paths } },
    }),
  );
}
