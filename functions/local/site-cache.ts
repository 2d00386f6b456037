import { createHash } from 'node:crypto';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';

/** One cached site object, as CloudFront would hold it. */
export interface CachedObject {
  body: Buffer;
  contentType: string;
  cacheControl: string;
  etag: string;
}

/** Bytes of site objects kept in memory before the least recently used are dropped. */
export const SITE_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * The local CloudFront: serves the site bucket from memory so s3rver (≈150 GET/s) is read once per
 * object, not once per request. The fan-out tells it which keys changed.
 */
export class SiteCache {
  private readonly entries = new Map<string, CachedObject>();
  private readonly inflight = new Map<string, Promise<CachedObject | undefined>>();
  private bytes = 0;
  /** Bumped on every invalidation so a fill that raced with it is not stored. */
  private generation = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly maxBytes = SITE_CACHE_BYTES,
  ) {}

  /** The object at a key, from memory or (once) from S3; undefined when absent. */
  async get(key: string): Promise<CachedObject | undefined> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit;
    }
    let fill = this.inflight.get(key);
    if (!fill) {
      fill = this.fetch(key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, fill);
    }
    return fill;
  }

  /** Forgets keys so the next request reads the new version. */
  /** Forgets every key under `prefix`, as a CloudFront wildcard invalidation (`/s/demo*`) does. */
  invalidatePrefix(prefix: string): void {
    this.invalidate([...this.entries.keys(), ...this.inflight.keys()].filter((key) => key.startsWith(prefix)));
  }

  invalidate(keys: string[]): void {
    this.generation++;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) this.bytes -= entry.body.length;
      this.entries.delete(key);
      this.inflight.delete(key);
    }
  }

  private async fetch(key: string): Promise<CachedObject | undefined> {
    const generation = this.generation;
    let object: CachedObject;
    try {
      const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = Buffer.from((await result.Body?.transformToByteArray()) ?? []);
      object = {
        body,
        contentType: result.ContentType ?? 'application/octet-stream',
        cacheControl: result.CacheControl ?? 'public, max-age=60',
        etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
    if (generation === this.generation && object.body.length <= this.maxBytes / 4) this.store(key, object);
    return object;
  }

  private store(key: string, object: CachedObject) {
    this.entries.set(key, object);
    this.bytes += object.body.length;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= old.body.length;
    }
  }
}
