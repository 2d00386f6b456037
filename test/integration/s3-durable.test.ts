import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { startEmulators } from '../../functions/local/emulators';
import { CHECKED_MARKER } from '../../functions/local/s3-durable-store';

/**
 * The embedded default's S3 (s3rver) must keep S3's promise across kill -9: a PUT is whole or absent, and
 * one killed write never breaks the bucket. Before functions/local/s3-durable-store.ts, a kill while s3rver
 * wrote an object's metadata left a truncated JSON file, and every read and listing of that bucket answered
 * 500 — the server could not start again (seen once in the 30 restarts of crash-kill9.test.ts).
 */

const dirs: string[] = [];
const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const TRIALS = 8;
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function client(endpoint: string) {
  return new S3Client({
    region: 'eu-west-2',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // One attempt: a refused connection after the kill is an unacknowledged PUT, not one to retry here.
    maxAttempts: 1,
  });
}

function startStorage(dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/s3-emulator-process.ts', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, endpoint: (JSON.parse(line) as { s3Endpoint: string }).s3Endpoint });
    });
    child.once('exit', (code) => reject(new Error(`storage exited with ${code}: ${out}`)));
  });
}

it('a PUT the client heard OK for is whole after kill -9, one it did not is whole or absent, and the bucket still lists', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-s3-kill-'));
  dirs.push(dataDir);
  /** Every version ever sent, by key: what a read may find (whole), and which were acknowledged. */
  const sent = new Map<string, { sums: Set<string>; acknowledged?: string }>();
  let acknowledged = 0;
  let cut = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const { child, endpoint } = await startStorage(dataDir);
    const s3 = client(endpoint);
    const writes: Promise<void>[] = [];
    // Twelve writers: new keys and rewrites of a few shared ones (pages are rewritten in place), sizes
    // from a few bytes to 3 MB so a kill often lands mid-file.
    for (let writer = 0; writer < 12; writer++) {
      writes.push(
        (async () => {
          for (let n = 0; ; n++) {
            const key = writer % 3 === 0 ? `pages/shared-${writer}.html` : `media/${trial}-${writer}-${n}.bin`;
            const body = randomBytes([7, 40_000, 700_000, 3_000_000][n % 4] ?? 7);
            const sum = md5(body);
            const entry = sent.get(key) ?? { sums: new Set<string>() };
            entry.sums.add(sum);
            sent.set(key, entry);
            try {
              await s3.send(
                new PutObjectCommand({ Bucket: 'kill-test', Key: key, Body: body, ContentType: 'application/octet-stream' }),
              );
            } catch {
              cut++;
              return;
            }
            entry.acknowledged = sum;
            acknowledged++;
          }
        })(),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 900));
    child.kill('SIGKILL');
    await Promise.all(writes);
    s3.destroy();
  }

  // The restart the server would make: same folder, in this process this time.
  const emulators = await startEmulators({ dataDir, tableName: 'corridor', buckets: ['kill-test'] });
  try {
    const s3 = client(emulators.s3Endpoint);
    const listed = new Set<string>();
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'kill-test', ContinuationToken: token }));
      for (const object of page.Contents ?? []) listed.add(object.Key ?? '');
      token = page.NextContinuationToken;
    } while (token);
    for (const [key, entry] of sent) {
      if (!listed.has(key)) {
        expect(entry.acknowledged, `${key} was acknowledged, then lost`).toBeUndefined();
        continue;
      }
      const object = await s3.send(new GetObjectCommand({ Bucket: 'kill-test', Key: key }));
      const sum = md5(await object.Body!.transformToByteArray());
      expect(entry.sums.has(sum), `${key} holds bytes no PUT sent (a half-written file)`).toBe(true);
      // A fresh key was written once: if it was acknowledged, it is exactly that.
      if (key.startsWith('media/') && entry.acknowledged) expect(sum).toBe(entry.acknowledged);
    }
    expect(acknowledged).toBeGreaterThan(TRIALS);
    expect(cut).toBeGreaterThan(0);
    console.log(`${TRIALS} kills: ${acknowledged} PUTs acknowledged, ${cut} cut off, ${listed.size} objects read back whole`);
    s3.destroy();
  } finally {
    await emulators.stop();
  }
}, 240_000);

it('a folder an older version left with a half-written metadata file is tidied at start, and the bucket lists again', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-s3-repair-'));
  dirs.push(dataDir);
  let emulators = await startEmulators({ dataDir, tableName: 'corridor', buckets: ['kill-test'] });
  let s3 = client(emulators.s3Endpoint);
  for (const key of ['a/whole.txt', 'a/cut.txt']) {
    await s3.send(new PutObjectCommand({ Bucket: 'kill-test', Key: key, Body: key, ContentType: 'text/plain' }));
  }
  s3.destroy();
  await emulators.stop();
  // What s3rver's own write left when killed mid-way: the metadata JSON cut short, and a stray partial file.
  await writeFile(join(dataDir, 's3', 'kill-test', 'a', 'cut.txt._S3rver_metadata.json'), '{\n  "content-ty');
  await writeFile(join(dataDir, 's3', 'kill-test', 'a', 'x.txt._S3rver_object.partial-1234'), 'half');
  // A folder from before makeDurable has no marker of its metadata having been checked.
  await rm(join(dataDir, 's3', CHECKED_MARKER));

  emulators = await startEmulators({ dataDir, tableName: 'corridor', buckets: ['kill-test'] });
  try {
    s3 = client(emulators.s3Endpoint);
    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'kill-test' }));
    expect((page.Contents ?? []).map((o) => o.Key)).toEqual(['a/whole.txt']);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'kill-test', Key: 'a/whole.txt' }));
    expect(object.ContentType).toBe('text/plain');
    expect(await object.Body!.transformToString()).toBe('a/whole.txt');
    expect((await readdir(join(dataDir, 's3', 'kill-test', 'a'))).filter((name) => name.includes('partial'))).toEqual([]);
    s3.destroy();
  } finally {
    await emulators.stop();
  }
  // Checked once: later starts still sweep half-written files, and the marker is no bucket.
  await stat(join(dataDir, 's3', CHECKED_MARKER));
  await writeFile(join(dataDir, 's3', 'kill-test', 'a', 'y.txt._S3rver_object.partial-5678'), 'half');
  emulators = await startEmulators({ dataDir, tableName: 'corridor', buckets: ['kill-test'] });
  try {
    expect((await readdir(join(dataDir, 's3', 'kill-test', 'a'))).filter((name) => name.includes('partial'))).toEqual([]);
    s3 = client(emulators.s3Endpoint);
    const buckets = await s3.send(new ListBucketsCommand({}));
    expect((buckets.Buckets ?? []).map((b) => b.Name)).toEqual(['kill-test']);
    s3.destroy();
  } finally {
    await emulators.stop();
  }
});
