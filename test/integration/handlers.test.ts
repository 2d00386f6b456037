import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { incomingKey } from '../../functions/aws/keys';
import type { Deps } from '../../functions/core/deps';
import type { Job } from '../../functions/core/job';
import { objectCreatedEvent } from '../../functions/core/media/s3-event';
import type { SingleUploadInstruction } from '../../functions/core/media/uploads';
import { postPublished } from '../../functions/core/notification';
import { getPostWithMedia } from '../../functions/core/posts/store';
import { apiHandler } from '../../functions/handlers/api';
import { deliverHandler } from '../../functions/handlers/deliver';
import { fanoutHandler } from '../../functions/handlers/fanout';
import { mediaHandler } from '../../functions/handlers/media';
import { sweeperHandler } from '../../functions/handlers/sweeper';
import type { Emulators } from '../../functions/local/emulators';
import { lambdaContext } from '../../functions/local/queue';
import { emulatorDeps, startCorridorEmulators } from '../../functions/local/runtime';
import { seedDemo } from '../../functions/local/seed';
import { awsPorts, routerHandler } from '../../infra/media-router/handler';
import type { Lane } from '../../infra/media-router/route';
import { type HttpRequest, httpApiEvent, s3ObjectCreated, scheduledInput, sqsEvent, sqsRecord } from '../helpers/aws-events';
import { corpusPath } from '../helpers/corpus';
import { synth } from '../infra/synth';

/**
 * Every Lambda handler, driven with the event objects AWS delivers (S3 notification inside an SQS
 * message, SQS batches with partial failure, HTTP API payload 2.0, the Scheduler input the stack
 * configures), over the real SDK clients on the emulators. The queues and CDN are recorders: each hop
 * is delivered by the test, the way SQS and Scheduler would, so nothing runs behind its back.
 */

const PUBLIC_URL = 'https://d111111abcdef8.cloudfront.net';
const PHOTO = corpusPath('photo_android_pixel_gps.jpg');

let dataDir: string;
let emulators: Emulators;
let deps: Deps;
let token: string;
/** What the handlers sent to SQS and told CloudFront, in order. */
const sent = { fanout: [] as Job[], media: [] as { key: string }[], cdnChanged: [] as string[], cdnRemoved: [] as string[] };
/** Moves the clock the handlers see (the sweeper only touches work older than its grace period). */
let clockOffsetMs = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'corridor-handlers-'));
  emulators = await startCorridorEmulators(dataDir);
  deps = emulatorDeps(emulators, {
    publicUrl: PUBLIC_URL,
    now: () => new Date(Date.now() + clockOffsetMs),
    queues: {
      fanout: async (job) => void sent.fanout.push(job),
      media: async (incoming) => void sent.media.push(incoming),
      notifications: async () => {},
      segments: async () => {},
    },
    cdn: {
      changed: async (paths) => void sent.cdnChanged.push(...paths),
      removed: async (paths) => void sent.cdnRemoved.push(...paths),
    },
  });
  ({ token } = await seedDemo(deps, dataDir));
});
afterAll(async () => {
  await emulators?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Calls the API Lambda with an HTTP API v2 event and decodes its JSON answer. */
async function callApi<T>(request: HttpRequest): Promise<{ status: number; headers: Record<string, unknown>; body: T }> {
  // The AWS shape goes in unchanged. hono's declared event type differs from AWS's (it wants `body:
  // string | null` and `requestContext.authorizer`, which AWS omits when there is no body or authorizer)
  // but its code reads both defensively (`if (event.body)`).
  const event = httpApiEvent(request) as unknown as Parameters<ReturnType<typeof apiHandler>>[0];
  const result = (await apiHandler(deps)(event, lambdaContext('Api'))) as APIGatewayProxyStructuredResultV2;
  expect(result.isBase64Encoded).toBe(false);
  return { status: result.statusCode ?? 0, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') as T };
}

const bearer = () => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

/** Creates a one-photo public post through the API Lambda and uploads the photo as the phone would. */
async function postPhoto(caption: string): Promise<{ post: PostView; key: string }> {
  const bytes = await readFile(PHOTO);
  const created = await callApi<{ post: PostView; uploads: SingleUploadInstruction[] }>({
    method: 'POST',
    url: '/api/posts',
    headers: { ...bearer(), ...json },
    body: JSON.stringify({
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      caption,
      media: [{ contentType: 'image/jpeg', bytes: bytes.length, alt: 'A painted tree' }],
    }),
  });
  expect(created.status).toBe(201);
  const [upload] = created.body.uploads;
  if (!upload) throw new Error('no upload instruction');
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(bytes) });
  expect(put.ok).toBe(true);
  const post = created.body.post;
  return { post, key: incomingKey('demo', post.id, upload.mediaId) };
}

/** The notification S3 sends for an object that is now in the incoming bucket (real size and ETag). */
async function notificationFor(key: string) {
  const head = await deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
  return s3ObjectCreated({ bucket: deps.config.incomingBucket, key, size: head.ContentLength ?? 0, eTag: head.ETag ?? '' });
}

async function incomingExists(key: string): Promise<boolean> {
  try {
    await deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof NotFound) return false;
    throw error;
  }
}

async function siteObject(key: string): Promise<{ contentType: string | undefined; bytes: Buffer }> {
  const object = await deps.clients.s3.send(new GetObjectCommand({ Bucket: deps.config.siteBucket, Key: key }));
  return { contentType: object.ContentType, bytes: Buffer.from(await (object.Body?.transformToByteArray() ?? [])) };
}

const getPost = async (id: string) =>
  (await callApi<{ post: PostView }>({ method: 'GET', url: `/api/posts/${id}`, headers: bearer() })).body.post;

describe('API Lambda (HTTP API payload 2.0 through hono/aws-lambda)', () => {
  it('answers GET /api/schools/me for a bearer token, with JSON headers', async () => {
    const response = await callApi<{ id: string; name: string; classes: { id: string }[] }>({
      method: 'GET',
      url: '/api/schools/me',
      headers: bearer(),
    });
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toContain('application/json');
    expect(response.body).toMatchObject({ id: 'demo', name: 'Demo Primary School' });
    expect(response.body.classes.map((c) => c.id)).toEqual(['reception', 'year-1', 'year-2']);
  });

  it('refuses a request without a token with 401 and a readable error', async () => {
    const response = await callApi<{ error: { message: string } }>({ method: 'GET', url: '/api/posts' });
    expect(response.status).toBe(401);
    expect(response.body.error.message).toContain('Bearer');
  });

  it('creates a post from a base64-encoded body, and the same key as plain text returns the same post', async () => {
    const body = JSON.stringify({
      idempotencyKey: 'handlers-b64-0001',
      audience: 'public',
      caption: 'Sports day is on Friday 🏃',
    });
    const first = await callApi<{ post: PostView }>({
      method: 'POST',
      url: '/api/posts',
      headers: { ...bearer(), ...json },
      body,
      base64: true,
    });
    expect(first.status).toBe(201);
    expect(first.body.post.caption).toBe('Sports day is on Friday 🏃');
    expect(first.body.post.url).toBe(`${PUBLIC_URL}/p/${first.body.post.id}`);
    const retry = await callApi<{ post: PostView }>({
      method: 'POST',
      url: '/api/posts',
      headers: { ...bearer(), ...json },
      body,
    });
    expect(retry.status).toBe(200);
    expect(retry.body.post.id).toBe(first.body.post.id);
    // A caption-only post is released at once: its publish job is what the API sent to the fan-out queue.
    expect(sent.fanout).toContainEqual({ kind: 'publish', postId: first.body.post.id });
  });

  it('lists the school’s posts with a query string', async () => {
    const response = await callApi<{ posts: PostView[] }>({ method: 'GET', url: '/api/posts?limit=5', headers: bearer() });
    expect(response.status).toBe(200);
    expect(response.body.posts.map((p) => p.caption)).toContain('Sports day is on Friday 🏃');
  });
});

describe('a corpus photo through S3 → SQS → router → image worker → fan-out', () => {
  let post: PostView;
  let key: string;
  let imageRecordBody: string;

  beforeAll(async () => {
    sent.fanout.length = 0;
    ({ post, key } = await postPhoto('Year 2 painted trees'));
  });

  it('routes the S3 notification (inside the media queue’s SQS message) to the image lane', async () => {
    const forwarded: { lane: Lane; body: string }[] = [];
    const ports = {
      ...awsPorts({}, { s3: deps.clients.s3 }),
      forward: async (lane: Lane, body: string) => void forwarded.push({ lane, body }),
    };
    const notification = sqsRecord(JSON.stringify(await notificationFor(key)), { queue: 'corridor-prod-media' });
    const response = await routerHandler(ports)(sqsEvent([notification]), lambdaContext('MediaRouter'));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(forwarded.map((f) => f.lane)).toEqual(['image']);
    imageRecordBody = forwarded[0]?.body ?? '';
  });

  it('processes the photo: variants under media/ without GPS, the original deleted, one publish job', async () => {
    const record = sqsRecord(imageRecordBody, { queue: 'corridor-prod-image' });
    const response = await mediaHandler(deps)(sqsEvent([record]), lambdaContext('ImageWorker'));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await incomingExists(key)).toBe(false);
    expect(sent.fanout).toEqual([{ kind: 'publish', postId: post.id }]);

    const current = await getPost(post.id);
    expect(current.state).toBe('published');
    expect(current.live).toBe(false); // until the fan-out has run
    expect(current.media[0]).toMatchObject({ state: 'ready', kind: 'image', width: expect.any(Number) });
  });

  it('treats a second delivery of the same notification as a duplicate: no second publish job', async () => {
    const again = sqsRecord(imageRecordBody, { queue: 'corridor-prod-image', receiveCount: 2 });
    expect(await mediaHandler(deps)(sqsEvent([again]), lambdaContext('ImageWorker'))).toEqual({ batchItemFailures: [] });
    expect(sent.fanout).toHaveLength(1);
  });

  it('fans out a batch where one record is malformed: only that messageId is reported failed', async () => {
    const [job] = sent.fanout;
    const good = sqsRecord(JSON.stringify(job), { queue: 'corridor-prod-fanout' });
    const malformed = sqsRecord('{"kind":"publish","postId":', { queue: 'corridor-prod-fanout' });
    const duplicate = sqsRecord(JSON.stringify(job), { queue: 'corridor-prod-fanout' });
    const figures = emfFigures();
    const response = await fanoutHandler(deps)(sqsEvent([good, malformed, duplicate]), lambdaContext('Fanout'));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.messageId }] });
    // The figure operators watch counts the post going live once — not the duplicate message.
    expect(figures.stop().PostsPublished).toBe(1);

    expect((await getPost(post.id)).live).toBe(true);
    const feed = JSON.parse((await siteObject('s/demo/feed.json')).bytes.toString('utf8')) as {
      items: { id: string; attachments: { url: string }[] }[];
    };
    const item = feed.items.find((i) => i.id === `${PUBLIC_URL}/p/${post.id}`);
    expect(item?.attachments[0]?.url.startsWith(`${PUBLIC_URL}/media/`)).toBe(true);
    expect(sent.cdnChanged).toContain('/s/demo/feed.json');

    const variant = await siteObject(new URL(item?.attachments[0]?.url ?? '').pathname.slice(1));
    expect(variant.contentType).toBe('image/jpeg');
    const metadata = await sharp(variant.bytes).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.width).toBeLessThanOrEqual(2048);
  });

  it('fails a job of a kind it does not know (a poisoned message) alone, beside a valid one', async () => {
    const poisoned = sqsRecord(JSON.stringify({ kind: 'reindex', postId: post.id }), { queue: 'corridor-prod-fanout' });
    const valid = sqsRecord(JSON.stringify({ kind: 'publish', postId: post.id }), { queue: 'corridor-prod-fanout' });
    const response = (await fanoutHandler(deps)(sqsEvent([poisoned, valid]), lambdaContext('Fanout'))) as SQSBatchResponse;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poisoned.messageId }]);
  });

  it('retracts with a handful of wildcard paths and touches no other post’s media, not even of the same photo', async () => {
    // A second post of the very same photo, processed and published.
    const twin = await postPhoto('The same trees, posted again');
    const upload = sqsRecord(JSON.stringify(await notificationFor(twin.key)), { queue: 'corridor-prod-image' });
    expect(await mediaHandler(deps)(sqsEvent([upload]), lambdaContext('ImageWorker'))).toEqual({ batchItemFailures: [] });
    const publishTwin = sqsRecord(JSON.stringify({ kind: 'publish', postId: twin.post.id }), { queue: 'corridor-prod-fanout' });
    await fanoutHandler(deps)(sqsEvent([publishTwin]), lambdaContext('Fanout'));
    const twinKeys = (await getPostWithMedia(deps, twin.post.id))?.media.flatMap((m) => m.outputs.map((o) => o.key)) ?? [];
    const ownKeys = (await getPostWithMedia(deps, post.id))?.media.flatMap((m) => m.outputs.map((o) => o.key)) ?? [];
    expect(twinKeys.length).toBeGreaterThan(0);
    expect(ownKeys.every((key) => key.startsWith(`media/${post.id}/`))).toBe(true);

    sent.fanout.length = 0;
    sent.cdnRemoved.length = 0;
    expect((await callApi({ method: 'DELETE', url: `/api/posts/${post.id}`, headers: bearer() })).status).toBe(200);
    const retract = sqsRecord(JSON.stringify(sent.fanout.at(-1)), { queue: 'corridor-prod-fanout' });
    expect(await fanoutHandler(deps)(sqsEvent([retract]), lambdaContext('Fanout'))).toEqual({ batchItemFailures: [] });

    // A handful of wildcards: the school's pages and feeds, the widget, the post page, the post's media.
    expect(sent.cdnRemoved).toEqual(expect.arrayContaining(['/s/demo*', '/embed/demo*', `/p/${post.id}*`, `/media/${post.id}*`]));
    // …and each family and class feed it was in (four here): eight paths where there were 27.
    expect(sent.cdnRemoved.length).toBeLessThanOrEqual(8);
    expect(sent.cdnRemoved.every((path) => path.endsWith('*'))).toBe(true);
    expect(sent.cdnRemoved.some((path) => path.includes(twin.post.id))).toBe(false);
    // The retracted post's media are deleted; the twin's, under its own prefix, all stay.
    const exists = (key: string) =>
      siteObject(key).then(
        () => true,
        () => false,
      );
    for (const key of ownKeys) expect(await exists(key), key).toBe(false);
    for (const key of twinKeys) expect(await exists(key), key).toBe(true);
  }, 300_000);
});

describe('Sweeper Lambda (the EventBridge Scheduler input the stack configures)', () => {
  it('re-drives an upload whose S3 event was lost, once it is older than the grace period', async () => {
    sent.media.length = 0;
    const { post, key } = await postPhoto('The choir at the care home');
    // The input exactly as the synthesized stack gives it to the sweeper's schedule target.
    const inputs = Object.values(synth().template.findResources('AWS::Scheduler::Schedule')).map((resource) =>
      String((resource.Properties as { Target: { Input: string } }).Target.Input),
    );
    const input = inputs.find((i) => (JSON.parse(i) as { detail: { job: string } }).detail.job === 'sweep');
    if (!input) throw new Error('the stack has no sweep schedule');
    const event = scheduledInput(input, {
      arn: 'arn:aws:scheduler:eu-west-2:123456789012:schedule/default/CorridorSweepSchedule',
      scheduledTime: new Date(),
    });
    expect(event).toMatchObject({ 'detail-type': 'Scheduled Event', detail: { job: 'sweep', attempt: '1' } });

    // Inside the grace period the upload may still be in flight: nothing is touched.
    expect(await sweeperHandler(deps)(event)).toMatchObject({ mediaRedriven: 0 });
    clockOffsetMs = 3 * 60 * 1000;
    const report = await sweeperHandler(deps)(event);
    expect(sent.media).toContainEqual({ key });
    expect(report.mediaRedriven).toBe(sent.media.length);

    // The re-driven message is what the media queue carries; the worker finishes the post from it.
    const redriven = sqsRecord(JSON.stringify(objectCreatedEvent(deps.config.incomingBucket, key)), {
      queue: 'corridor-prod-image',
    });
    expect(await mediaHandler(deps)(sqsEvent([redriven]), lambdaContext('ImageWorker'))).toEqual({ batchItemFailures: [] });
    expect((await getPost(post.id)).state).toBe('published');
  });
});

describe('Deliver Lambda (SQS batch of notifications)', () => {
  it('drops a record that is not JSON or not a notification, and still delivers the rest of the batch', async () => {
    const notJson = sqsRecord('{"kind":"post_published","postId":', { queue: 'corridor-prod-notifications' });
    const notANotification = sqsRecord(JSON.stringify({ kind: 'mystery' }), { queue: 'corridor-prod-notifications' });
    // A family erased after the outbox handed the post over: nothing to send, nothing to retry.
    const gone = sqsRecord(JSON.stringify(postPublished({ id: 'no-such-post', schoolId: 'demo' }, 'no-such-family')), {
      queue: 'corridor-prod-notifications',
    });
    const response = await deliverHandler(deps)(sqsEvent([notJson, notANotification, gone]), lambdaContext('Deliver'));
    expect(response).toEqual({ batchItemFailures: [] });
  });
});

/**
 * The CloudWatch EMF figures the handlers print to stdout meanwhile (Powertools metrics, one JSON line per
 * invocation), summed by name. `stop()` restores stdout and returns them.
 */
function emfFigures() {
  const sums: Record<string, number> = {};
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.includes('"_aws"')) continue;
      const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } } & Record<
        string,
        unknown
      >;
      for (const { Name } of emf._aws.CloudWatchMetrics.flatMap((m) => m.Metrics))
        sums[Name] = (sums[Name] ?? 0) + Number(emf[Name]);
    }
    return write(chunk, ...(rest as []));
  });
  return {
    stop: () => {
      spy.mockRestore();
      return sums;
    },
  };
}
