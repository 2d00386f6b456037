import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import type { SingleUploadInstruction } from '../../functions/core/media/uploads';
import { corpusPath } from '../helpers/corpus';
import { freePort, killAllServers, killServer, startServer } from '../helpers/server-process';

/** `npm start`'s process, for real: killed with SIGKILL, restarted on the same data folder. */
afterAll(killAllServers);

it('loses nothing acknowledged when the server is killed mid-upload, and stops cleanly on Ctrl-C', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-crash-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await startServer(dataDir, port);
  const token = (await readFile(join(dataDir, 'demo-admin-token'), 'utf8')).trim();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const files = [await readFile(corpusPath('orient_landscape_1.jpg')), await readFile(corpusPath('orient_portrait_1.jpg'))];
  const request = {
    idempotencyKey: crypto.randomUUID(),
    audience: 'public',
    caption: 'Survives a crash',
    media: files.map((f) => ({ contentType: 'image/jpeg', bytes: f.length })),
  };
  const create = async () =>
    (await (await fetch(`${base}/api/posts`, { method: 'POST', headers, body: JSON.stringify(request) })).json()) as {
      post: PostView;
      uploads: SingleUploadInstruction[];
    };

  const first = await create();
  expect(first.uploads).toHaveLength(2);
  const [upload1] = first.uploads;
  const put = await fetch(upload1?.url ?? '', { method: 'PUT', headers: upload1?.headers, body: new Uint8Array(files[0] ?? []) });
  expect(put.status).toBe(200); // acknowledged…
  await killServer(server); // …and the server dies before (or while) processing it

  server = await startServer(dataDir, port);
  // The phone retries its create with the same key: same post, and only the missing file to send.
  const retried = await create();
  expect(retried.post.id).toBe(first.post.id);
  expect(retried.uploads.map((u) => u.mediaId)).toEqual([first.uploads[1]?.mediaId]);
  const upload2 = retried.uploads[0];
  await fetch(upload2?.url ?? '', { method: 'PUT', headers: upload2?.headers, body: new Uint8Array(files[1] ?? []) });

  let post: PostView | undefined;
  for (let i = 0; i < 200 && !post?.live; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    post = ((await (await fetch(`${base}/api/posts/${first.post.id}`, { headers })).json()) as { post: PostView }).post;
  }
  expect(post?.state).toBe('published');
  expect(post?.media.map((m) => m.state)).toEqual(['ready', 'ready']);
  const feed = (await (await fetch(`${base}/s/demo/feed.json`)).json()) as { items: { id: string }[] };
  expect(feed.items.filter((i) => i.id === `${base}/p/${first.post.id}`)).toHaveLength(1);

  server.kill('SIGINT');
  const code = await new Promise((resolve) => server.once('exit', resolve));
  expect(code).toBe(0);
  await rm(dataDir, { recursive: true, force: true });
});
