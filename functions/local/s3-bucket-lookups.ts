/** The part of s3rver's FilesystemStore (lib/stores/filesystem.js) that answers what a bucket is. */
export interface BucketStore {
  getBucket(bucket: string): Promise<unknown>;
  putBucket(bucket: string): Promise<unknown>;
  deleteBucket(bucket: string): Promise<unknown>;
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<void>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void>;
}

/**
 * Keeps s3rver's answers about buckets in memory. On every request s3rver stats the bucket's folder and
 * reads its CORS and website configuration files (usually to find them absent): three file-system calls
 * before each object is touched, a fifth of the work of one small PUT, and a publish writes about a
 * hundred objects at once. Only s3rver changes these files, through the methods wrapped here, which
 * forget what they change; an object's own subresources (its tagging) are not kept.
 */
export function cacheBucketLookups(store: BucketStore): void {
  const buckets = new Map<string, Promise<unknown>>();
  const configs = new Map<string, Promise<unknown>>();
  const forget = (bucket: string) => {
    buckets.delete(bucket);
    for (const id of [...configs.keys()]) if (id.startsWith(`${bucket}\0`)) configs.delete(id);
  };
  const getBucket = store.getBucket.bind(store);
  const putBucket = store.putBucket.bind(store);
  const deleteBucket = store.deleteBucket.bind(store);
  const getSubresource = store.getSubresource.bind(store);
  const putSubresource = store.putSubresource.bind(store);
  const deleteSubresource = store.deleteSubresource.bind(store);

  store.getBucket = (bucket) => {
    let found = buckets.get(bucket);
    if (!found) {
      found = getBucket(bucket);
      // Only a bucket that exists is remembered: a missing one may be created by the next request.
      void found.then(
        (answer) => (answer ? undefined : buckets.delete(bucket)),
        () => buckets.delete(bucket),
      );
      buckets.set(bucket, found);
    }
    return found;
  };
  /** A write that changes what is remembered of `bucket` (none: an object's own subresource) forgets it before and after. */
  const changing = async <T>(bucket: string | undefined, write: () => Promise<T>): Promise<T> => {
    if (bucket !== undefined) forget(bucket);
    try {
      return await write();
    } finally {
      if (bucket !== undefined) forget(bucket);
    }
  };
  store.putBucket = (bucket) => changing(bucket, () => putBucket(bucket));
  store.deleteBucket = (bucket) => changing(bucket, () => deleteBucket(bucket));
  store.getSubresource = (bucket, key, type) => {
    if (key !== undefined) return getSubresource(bucket, key, type);
    const id = `${bucket}\0${type}`;
    let found = configs.get(id);
    if (!found) {
      found = getSubresource(bucket, key, type);
      void found.catch(() => configs.delete(id));
      configs.set(id, found);
    }
    return found;
  };
  store.putSubresource = (bucket, key, resource) =>
    changing(key === undefined ? bucket : undefined, () => putSubresource(bucket, key, resource));
  store.deleteSubresource = (bucket, key, type) =>
    changing(key === undefined ? bucket : undefined, () => deleteSubresource(bucket, key, type));
}
