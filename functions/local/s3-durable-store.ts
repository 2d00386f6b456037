import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The part of s3rver's FilesystemStore (lib/stores/filesystem.js) that writes; see `makeDurable`. */
export interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  putObject(object: {
    bucket: string;
    key: string;
    content: Buffer | Readable;
    metadata: Record<string, string>;
  }): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ size: number; md5: string }>;
}

/** Names the half-written files carry, so a listing never sees them and a start removes them. */
const PARTIAL = '.partial-';
const METADATA_SUFFIX = '._S3rver_metadata.json';

/**
 * Makes s3rver's writes whole-or-nothing, as S3's are, so a kill -9 of the embedded default cannot leave an
 * object it half wrote. s3rver writes an object's bytes in place, answers before the bytes have all
 * reached the file (it resolves when its hashing stream finishes, not the file stream), and writes the
 * metadata JSON in place last: a kill in between left a truncated JSON that made every later read and
 * every listing of the bucket answer 500 — the start-up sweep lists buckets, so the server could not start
 * again (the kill -9 test caught it once in 30 restarts).
 *
 * Here every file is written beside its place under a `.partial-` name, in full, and renamed over it
 * (a rename is atomic on one file system): first the metadata, then the bytes; the MD5 (s3rver's ETag) is
 * removed before and renamed in last, and s3rver recomputes a missing one from the bytes. A kill between
 * the renames leaves the new metadata with the old bytes of the same key (Corridor writes a key's metadata
 * the same each time), never a file that does not parse. Parts of multipart uploads likewise.
 */
export function makeDurable(store: FilesystemStore): void {
  const writeMetadataAt = store.putMetadata.bind(store);

  /** Writes the metadata (and MD5) under a temporary key; returns the renames that put them in place. */
  const stageMetadata = async (bucket: string, key: string, metadata: Record<string, string>, md5?: string) => {
    const staged = `${key}${PARTIAL}${randomUUID()}`;
    await writeMetadataAt(bucket, staged, metadata, md5);
    const md5Path = store.getResourcePath(bucket, key, 'object.md5');
    await unlink(md5Path).catch(ignoreMissing);
    return {
      metadata: () =>
        rename(store.getResourcePath(bucket, staged, 'metadata.json'), store.getResourcePath(bucket, key, 'metadata.json')),
      md5: async () => {
        if (md5) await rename(store.getResourcePath(bucket, staged, 'object.md5'), md5Path);
      },
    };
  };

  store.putMetadata = async (bucket, key, metadata, md5) => {
    const renames = await stageMetadata(bucket, key, metadata, md5);
    await renames.metadata();
    await renames.md5();
  };

  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    const partial = `${objectPath}${PARTIAL}${randomUUID()}`;
    let placed = false;
    try {
      const written = await writeWhole(partial, object.content);
      const renames = await stageMetadata(object.bucket, object.key, object.metadata, written.md5);
      await renames.metadata();
      await rename(partial, objectPath);
      placed = true;
      await renames.md5();
      return written;
    } finally {
      // Once renamed, the partial name is gone: looking for it again costs a call on every PUT.
      if (!placed) await rm(partial, { force: true });
    }
  };

  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    await mkdir(dirname(partPath), { recursive: true });
    const partial = `${partPath}${PARTIAL}${randomUUID()}`;
    let placed = false;
    try {
      const written = await writeWhole(partial, content);
      await rename(partial, partPath);
      placed = true;
      return written;
    } finally {
      if (!placed) await rm(partial, { force: true });
    }
  };
}

/** `rm(path, { force: true })` in one call: a missing file is what was wanted. */
const ignoreMissing = (error: unknown) => {
  if ((error as { code?: string }).code !== 'ENOENT') throw error;
};

/** Writes the content to the file and resolves once every byte has been handed to the file system. */
async function writeWhole(path: string, content: Buffer | Readable): Promise<{ size: number; md5: string }> {
  const hash = createHash('md5');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : content, count, createWriteStream(path));
  return { size, md5: hash.digest('hex') };
}

/**
 * Written in an s3rver folder once every metadata file in it has been checked. Since `makeDurable`, no write
 * can leave a metadata file cut short, so only folders written before it need that check — once: reading
 * and parsing every object's metadata at each start would make starting slower as a school's media grow.
 * s3rver takes only folders for buckets, so a file here is not listed.
 */
export const CHECKED_MARKER = '.corridor-metadata-checked';

/**
 * Tidies an s3rver folder before it serves: removes what a killed write left half done — `.partial-`
 * files (at every start), and, the first time a folder is seen, objects whose metadata does not parse (left
 * by versions before `makeDurable`; never acknowledged, since the metadata was their last write). Returns
 * how many objects it removed.
 */
export async function repairStore(directory: string): Promise<number> {
  const marker = join(directory, CHECKED_MARKER);
  const checkMetadata = !(await exists(marker));
  let removed = 0;
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (entry.name.includes(PARTIAL)) {
      await rm(path, { force: true });
    } else if (checkMetadata && entry.name.endsWith(METADATA_SUFFIX) && !(await parses(path))) {
      const stem = path.slice(0, -METADATA_SUFFIX.length);
      await Promise.all([path, `${stem}._S3rver_object`, `${stem}._S3rver_object.md5`].map((p) => rm(p, { force: true })));
      removed++;
    }
  }
  if (checkMetadata) await writeFile(marker, `${new Date().toISOString()}\n`).catch(() => undefined);
  return removed;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function parses(path: string): Promise<boolean> {
  try {
    JSON.parse(await readFile(path, 'utf8'));
    return true;
  } catch {
    return false;
  }
}
