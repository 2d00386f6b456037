import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiClient, type PostView, plainApiClient, segment, type UploadInstruction } from '../../functions/api/client';
import { sweep } from '../../functions/core/jobs/sweeper';
import { type LocalCorridor, type LocalOptions, startLocal } from '../../functions/local/runtime';
import { seedDemo } from '../../functions/local/seed';

/** A real embedded Corridor on a free port with its own data folder, for one test file. */
export interface TestCorridor {
  local: LocalCorridor;
  url: string;
  token: string;
  dataDir: string;
  /** fetch against the running server. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * The typed API client (functions/api/client.ts) with the demo admin's token, or another's: answers come
   * back as they are, refusals included, so a test reads `status` and the typed `json()`.
   */
  client(token?: string): ApiClient;
  /** Calls the API with the demo admin token and parses JSON (for what the typed client cannot send: bad bodies). */
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** Creates a post and uploads its files the way a phone does (presigned PUT or parts), then waits until idle. */
  post(input: PostInput): Promise<PostView>;
  /** Sends one file as its upload instruction says: one PUT, or every missing part, then completes. */
  upload(postId: string, instruction: UploadInstruction, bytes: Buffer, options?: { onlyParts?: number[] }): Promise<void>;
  /** Stops Corridor and starts it again on the same data; `whileStopped` runs in between (e.g. to damage it). */
  restart(whileStopped?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface PostInput {
  audience: string | string[];
  caption?: string;
  files?: { path?: string; bytes?: Buffer; contentType?: string; alt?: string; captions?: string; faces?: 'blur' | 'keep' }[];
  idempotencyKey?: string;
  /** Admin only: parents hear at once, through digests and quiet hours. */
  urgent?: boolean;
  /** Skip waiting for processing and fan-out. */
  noWait?: boolean;
  /** Post as this API token instead of the demo admin's. */
  token?: string;
  /** Extra fields of the create request (e.g. a consent confirmation). */
  extra?: Record<string, unknown>;
}

export async function startTestCorridor(options: Partial<LocalOptions> = {}): Promise<TestCorridor> {
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-test-'));
  const start = () => startLocal({ dataDir, port: 0, queueOptions: { retryDelayMs: 20 }, ...options });
  let local = await start();
  const { token } = await seedDemo(local.deps, dataDir);
  const corridor: TestCorridor = {
    get local() {
      return local;
    },
    get url() {
      return local.url;
    },
    token,
    dataDir,
    fetch: (path, init) => fetch(`${local.url}${path}`, init),
    client: (asToken = token) => plainApiClient(local.url, { headers: { authorization: `Bearer ${asToken}` } }),
    api: async <T>(method: string, path: string, body?: unknown, asToken = token) => {
      const response = await fetch(`${local.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${asToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    post: async (input) => {
      const files = await Promise.all(
        (input.files ?? []).map(async (f) => ({
          bytes: f.bytes ?? (await readFile(f.path ?? '')),
          contentType: f.contentType ?? 'image/jpeg',
          alt: f.alt ?? '',
          captions: f.captions,
          faces: f.faces,
        })),
      );
      const client = corridor.client(input.token);
      const response = await client.api.posts.$post({
        json: {
          idempotencyKey: input.idempotencyKey ?? crypto.randomUUID(),
          audience: input.audience,
          caption: input.caption ?? '',
          urgent: input.urgent,
          media: files.map((f) => ({
            contentType: f.contentType,
            bytes: f.bytes.length,
            alt: f.alt,
            captions: f.captions,
            faces: f.faces,
          })),
          ...input.extra,
        },
      });
      if (!response.ok) throw new Error(`create failed: ${response.status} ${await response.text()}`);
      const created = await response.json();
      for (const upload of created.uploads) {
        const file = files[created.post.media.findIndex((m) => m.id === upload.mediaId)];
        if (!file) throw new Error('upload without a file');
        await corridor.upload(created.post.id, upload, file.bytes);
      }
      if (input.noWait) return created.post;
      await local.idle();
      const read = await client.api.posts[':id'].$get({ param: { id: segment(created.post.id) } });
      return (await read.json()).post;
    },
    upload: async (postId, instruction, bytes, options = {}) => {
      if (instruction.kind === 'single') {
        const put = await fetch(instruction.url, { method: 'PUT', headers: instruction.headers, body: new Uint8Array(bytes) });
        if (!put.ok) throw new Error(`upload failed: ${put.status}`);
        return;
      }
      const uploads = corridor.client().api.posts[':postId'].uploads[':mediaId'];
      const param = { postId: segment(postId), mediaId: segment(instruction.mediaId) };
      for (const part of instruction.parts.filter((p) => !options.onlyParts || options.onlyParts.includes(p.partNumber))) {
        const start = (part.partNumber - 1) * instruction.partBytes;
        const put = await fetch(part.url, { method: 'PUT', body: new Uint8Array(bytes.subarray(start, start + part.bytes)) });
        if (!put.ok) throw new Error(`part ${part.partNumber} failed: ${put.status}`);
        const recorded = await uploads.parts[':partNumber'].$put({
          param: { ...param, partNumber: String(part.partNumber) },
          json: { etag: put.headers.get('etag') ?? '' },
        });
        if (recorded.status !== 200) throw new Error(`recording part ${part.partNumber} failed: ${recorded.status}`);
      }
      if (options.onlyParts) return;
      const completed = await uploads.complete.$post({ param });
      if (completed.status !== 202) throw new Error(`completing failed: ${completed.status} ${await completed.text()}`);
    },
    restart: async (whileStopped) => {
      await local.stop();
      await whileStopped?.();
      local = await start();
    },
    stop: async () => {
      await local.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return corridor;
}

/**
 * Runs the queues dry and sweeps, as the scheduled sweeper would (with no grace: nothing is in flight
 * once the queues are idle), until nothing is left to re-drive. A sweep that crashes at an injected
 * fault point is simply followed by the next one.
 */
export async function settle(corridor: TestCorridor): Promise<void> {
  for (let round = 0; round < 50; round++) {
    await corridor.local.idle();
    let redriven: number;
    try {
      const report = await sweep(corridor.local.deps, { graceMs: 0 });
      redriven =
        report.fanoutRedriven +
        report.mediaRedriven +
        report.settleRedriven +
        report.notificationsRedriven +
        report.scheduledReleased;
    } catch {
      redriven = 1;
    }
    await corridor.local.idle();
    if (redriven === 0) return;
  }
  throw new Error('still re-driving after 50 sweeps');
}
