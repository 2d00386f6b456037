import { createECDH, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { PostView } from '../../functions/api/views';
import { buildClients } from '../../functions/aws/clients';
import { incomingKey, siteKeys } from '../../functions/aws/keys';
import { gatheringSender } from '../../functions/aws/sqs-batch';
import { createToken } from '../../functions/core/auth/tokens';
import { channel } from '../../functions/core/channels/channels';
import { renderChannel } from '../../functions/core/channels/render-channel';
import type { Deps } from '../../functions/core/deps';
import { defaultPreferences } from '../../functions/core/families/preferences';
import type { Job } from '../../functions/core/job';
import type { UploadInstruction } from '../../functions/core/media/upload-instruction';
import type { Notification } from '../../functions/core/notification';
import { digestSlot } from '../../functions/core/notify/policy';
import { getPostWithMedia } from '../../functions/core/posts/store';
import { putSchool } from '../../functions/core/schools/school';
import { apiHandler } from '../../functions/handlers/api';
import { deliverHandler } from '../../functions/handlers/deliver';
import { digestHandler } from '../../functions/handlers/digest';
import { emailEventsHandler } from '../../functions/handlers/email-events';
import { fanoutHandler } from '../../functions/handlers/fanout';
import { mediaHandler } from '../../functions/handlers/media';
import { sweeperHandler } from '../../functions/handlers/sweeper';
import type { Emulators } from '../../functions/local/emulators';
import { lambdaContext } from '../../functions/local/queue';
import { emulatorDeps } from '../../functions/local/runtime';
import { awsPorts, routerHandler } from '../../infra/media-router/handler';
import type { Lane } from '../../infra/media-router/route';
import { type HttpRequest, httpApiEvent, s3ObjectCreated, sqsEvent, sqsRecord } from '../../test/helpers/aws-events';
import { seedFamilies } from '../families';
import { Meter, type Tally } from './meter';
import { phoneFetches } from './phone-view';

/** The Lambda functions a post passes through, named as in `infra/corridor.ts` `sizing`. */
export type FunctionName = 'api' | 'router' | 'image' | 'av' | 'fanout' | 'sweeper' | 'deliver' | 'digest' | 'emailEvents';

/** Billed milliseconds (each invocation rounded up to 1 ms), invocations and log bytes, per function. */
export type LambdaTimes = Partial<Record<FunctionName, { invocations: number; billedMs: number; logBytes: number }>>;

/** What delivering to the sample's families cost: the deliver, digest or e-mail-events functions. */
export interface DeliveryMeasure {
  tally: Tally;
  lambda: LambdaTimes;
  /** SQS messages (one per family notified, or per SES event). */
  sqsMessages: number;
  /** The send requests that carried them, when fewer than the messages (ten to a SendMessageBatch). */
  sqsSendRequests?: number;
}

/** Everything one post cost, counted while it went through the real handlers. */
export interface PostMeasure {
  postId: string;
  kind: 'photo' | 'video';
  tally: Tally;
  lambda: LambdaTimes;
  /** SQS messages the post caused (S3 notification, router forward, fan-out jobs). */
  sqsMessages: number;
  apiRequests: number;
  /** Bytes the post adds to the site bucket for good: its media variants and its post page. */
  storedBytes: number;
  /** What one family's phone fetches to see the post: the page and the media it shows. */
  familyView: { bytes: number; requests: number };
  /** Source duration of a video, for per-second figures. */
  videoSeconds?: number;
  /** Delivering the post to the school's sample families (the deliver function, from the outbox). */
  delivery: DeliveryMeasure;
}

/** The deliver function's queue batch (infra `sizing.deliver.batch`). */
const DELIVER_BATCH = 100;

/**
 * Runs posts through every handler with AWS-shaped events on the emulators — API Gateway → Api, the
 * phone's presigned PUT, S3 notification → media queue → router → image or audio/video queue → worker →
 * fan-out queue → Fanout — one hop at a time, timing each invocation and counting what it cost.
 */
export class CostSample {
  readonly meter: Meter;
  private readonly uncounted: Deps;

  private constructor(
    readonly deps: Deps,
    /** Fan-out jobs the handlers sent, delivered by the sample as the fan-out queue would. */
    private readonly sent: Job[],
    /** Paths the handlers asked CloudFront to invalidate (on retract). */
    private readonly invalidated: string[],
    /** The outbox's notifications, delivered by the sample as the notifications queue would. */
    private readonly notified: Notification[],
    /** SendMessageBatch requests that carried them, as the AWS adapter gathers them (functions/aws/sqs-batch.ts). */
    private readonly notifySends: { requests: number },
  ) {
    const uncountedClients = buildClients(deps.config);
    this.meter = new Meter(deps.clients, deps.config, uncountedClients);
    this.uncounted = { ...deps, clients: uncountedClients };
  }

  /** A sample on the emulators: the real SDK clients, metered; queues that the sample delivers by hand. */
  static create(emulators: Emulators, publicUrl: string): CostSample {
    const sent: Job[] = [];
    const invalidated: string[] = [];
    const notified: Notification[] = [];
    const notifySends = { requests: 0 };
    // The AWS adapter's gathering, with a request counted where it would call SendMessageBatch.
    const notify = gatheringSender(async (bodies) => {
      notifySends.requests++;
      for (const body of bodies) notified.push(JSON.parse(body) as Notification);
      return bodies.map(() => undefined);
    });
    const deps = emulatorDeps(emulators, {
      publicUrl,
      queues: {
        fanout: async (job) => void sent.push(job),
        media: async () => {},
        notifications: (notification) => notify(JSON.stringify(notification)),
        // The sample's video is 4 s: one job, never split.
        segments: async () => {},
      },
      // CloudFront is told only on retract (an invalidation); publishing relies on the 60 s TTL.
      cdn: { changed: async () => {}, removed: async (paths) => void invalidated.push(...paths) },
    });
    return new CostSample(deps, sent, invalidated, notified, notifySends);
  }

  /** A school with its empty public channel and an admin token (not counted). */
  async addSchool(id: string): Promise<string> {
    await putSchool(this.uncounted, { id, name: `School ${id}`, timezone: 'Europe/London', classes: [] });
    await renderChannel(this.uncounted, channel.public(id));
    const { token } = await createToken(this.uncounted, { schoolId: id, role: 'admin', label: 'cost bench' });
    return token;
  }

  /**
   * `count` families of the school (not counted): `emailShare` of them chose e-mail (an address, no
   * phone), the others are push-first (a phone at `pushUrl`, the evening message there).
   */
  async addFamilies(schoolId: string, count: number, emailShare: number, pushUrl: string): Promise<string[]> {
    const emailFamilies = Math.round(count * emailShare);
    const families = await seedFamilies(
      this.uncounted,
      count,
      'families',
      (i) =>
        i < emailFamilies
          ? {
              preferences: { push: 'digest', email: 'digest' },
              emails: { [`a${i}`]: { address: `parent-${i}@${schoolId}.example.org`, confirmedAt: new Date().toISOString() } },
            }
          : {
              preferences: { push: 'digest', email: 'digest' },
              push: {
                [`phone-${i}`]: {
                  endpoint: `${pushUrl}/push/${schoolId}-${i}`,
                  keys: { p256dh: PHONE_KEY, auth: randomBytes(16).toString('base64url') },
                  addedAt: new Date().toISOString(),
                },
              },
            },
      schoolId,
    );
    return families.flatMap((f) => Object.values(f.emails).map((e) => e.address));
  }

  /**
   * Publishes `count` caption-only posts (not counted), so that the measured posts land in full current
   * feeds of FEED_PAGE_SIZE entries — the steady state every school reaches within days — rather than in
   * nearly empty ones that are cheaper to read and render.
   */
  async prefill(token: string, count: number): Promise<void> {
    const watch = new Stopwatch();
    for (let i = 0; i < count; i++) {
      await this.createPost(watch, token, { caption: `Earlier news ${i} #year2`, media: [] });
      await this.fanOut(watch);
    }
    this.notified.length = 0; // earlier news reached the families before the day measured
    this.notifySends.requests = 0;
    this.meter.take();
  }

  /** One public post with one file, from the API call to live on every channel. */
  async post(schoolId: string, token: string, file: { path: string; contentType: string }): Promise<PostMeasure> {
    this.meter.take();
    const watch = new Stopwatch();
    const bytes = await readFile(file.path);
    const created = await this.createPost(watch, token, {
      caption: 'Our week in pictures #year2',
      media: [{ contentType: file.contentType, bytes: bytes.length, alt: 'Pupils’ work' }],
    });
    const [upload] = created.uploads;
    if (upload?.kind !== 'single') throw new Error('the cost sample expects files small enough for one PUT');
    await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(bytes) });
    this.meter.addS3PutClass(1); // the phone's PUT, made without the SDK

    // S3 → media queue → router → the worker's queue.
    const incoming = await this.incomingNotification(schoolId, created.post.id, upload.mediaId);
    const forwarded: { lane: Lane; body: string }[] = [];
    const ports = {
      ...awsPorts({}, { s3: this.deps.clients.s3 }),
      forward: async (lane: Lane, body: string) => void forwarded.push({ lane, body }),
    };
    await watch.time('router', () =>
      routerHandler(ports)(sqsEvent([sqsRecord(JSON.stringify(incoming), { queue: 'media' })]), lambdaContext('MediaRouter')),
    );
    const [route] = forwarded;
    if (!route) throw new Error('the router forwarded nothing');
    const worker = route.lane === 'image' ? 'image' : 'av';
    const processed = await watch.time(worker, () =>
      mediaHandler(this.deps)(sqsEvent([sqsRecord(route.body, { queue: route.lane })]), lambdaContext(worker)),
    );
    if (processed.batchItemFailures.length > 0) throw new Error(`the ${worker} worker failed`);
    const jobs = await this.fanOut(watch);
    const { post } = await this.callApi<{ post: PostView }>(watch, token, {
      method: 'GET',
      url: `/api/posts/${created.post.id}`,
    });
    if (!post.live) throw new Error(`post ${post.id} is ${post.state}, not live`);

    const tally = this.meter.take();
    const view = await this.familyView(post.id);
    const delivery = await this.deliver();
    return {
      postId: post.id,
      kind: route.lane === 'image' ? 'photo' : 'video',
      tally,
      lambda: watch.lambda,
      sqsMessages: 1 + forwarded.length + jobs,
      apiRequests: watch.lambda.api?.invocations ?? 0,
      storedBytes: view.storedBytes,
      familyView: { bytes: view.bytes, requests: view.requests },
      videoSeconds: post.media[0]?.kind === 'video' ? post.media[0].durationSeconds : undefined,
      delivery,
    };
  }

  /** The deliver function on the outbox's notifications so far, in queue batches. */
  private async deliver(): Promise<DeliveryMeasure> {
    this.meter.take();
    const watch = new Stopwatch();
    const notifications = this.notified.splice(0);
    const sendRequests = this.notifySends.requests;
    this.notifySends.requests = 0;
    for (let i = 0; i < notifications.length; i += DELIVER_BATCH) {
      const records = notifications
        .slice(i, i + DELIVER_BATCH)
        .map((n) => sqsRecord(JSON.stringify(n), { queue: 'notifications' }));
      const response = await watch.time('deliver', () => deliverHandler(this.deps)(sqsEvent(records), lambdaContext('Deliver')));
      if (response.batchItemFailures.length > 0) throw new Error('a delivery failed');
    }
    return {
      tally: this.meter.take(),
      lambda: watch.lambda,
      sqsMessages: notifications.length,
      sqsSendRequests: sendRequests,
    };
  }

  /** The evening run at the digest time: every family's one evening message (push or e-mail). */
  async digest(): Promise<DeliveryMeasure> {
    this.meter.take();
    const watch = new Stopwatch();
    const { dueAt } = digestSlot(new Date(), defaultPreferences());
    const report = await watch.time('digest', () => digestHandler(this.deps)({ time: dueAt.toISOString() }));
    if (report.failed > 0) throw new Error(`${report.failed} digests failed`);
    return { tally: this.meter.take(), lambda: watch.lambda, sqsMessages: 0 };
  }

  /** SES reporting a permanent bounce for each address, through the e-mail-events queue (batch 10). */
  async bounces(addresses: string[]): Promise<DeliveryMeasure> {
    this.meter.take();
    const watch = new Stopwatch();
    for (let i = 0; i < addresses.length; i += 10) {
      const records = addresses.slice(i, i + 10).map((address) =>
        sqsRecord(
          JSON.stringify({
            eventType: 'Bounce',
            bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: address }] },
          }),
          { queue: 'email-events' },
        ),
      );
      await watch.time('emailEvents', () => emailEventsHandler(this.deps)(sqsEvent(records), lambdaContext('EmailEvents')));
    }
    return { tally: this.meter.take(), lambda: watch.lambda, sqsMessages: addresses.length };
  }

  private createPost(watch: Stopwatch, token: string, input: { caption: string; media: unknown[] }) {
    return this.callApi<{ post: PostView; uploads: UploadInstruction[] }>(watch, token, {
      method: 'POST',
      url: '/api/posts',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: crypto.randomUUID(), audience: 'public', ...input }),
    });
  }

  /** Calls the Api Lambda with an HTTP API 2.0 event (the phone's request through CloudFront). */
  private async callApi<T>(watch: Stopwatch, token: string, request: HttpRequest): Promise<T> {
    const event = httpApiEvent({
      ...request,
      headers: { ...request.headers, authorization: `Bearer ${token}` },
    }) as unknown as Parameters<ReturnType<typeof apiHandler>>[0];
    const result = (await watch.time('api', () =>
      apiHandler(this.deps)(event, lambdaContext('Api')),
    )) as APIGatewayProxyStructuredResultV2;
    if ((result.statusCode ?? 500) >= 300)
      throw new Error(`API ${request.method} ${request.url}: ${result.statusCode} ${result.body}`);
    return JSON.parse(result.body ?? 'null') as T;
  }

  /** Delivers the fan-out jobs sent so far as one SQS batch; returns how many there were. */
  private async fanOut(watch: Stopwatch): Promise<number> {
    const jobs = this.sent.splice(0);
    const records = jobs.map((job) => sqsRecord(JSON.stringify(job), { queue: 'fanout' }));
    const response = await watch.time('fanout', () => fanoutHandler(this.deps)(sqsEvent(records), lambdaContext('Fanout')));
    if (response.batchItemFailures.length > 0) throw new Error('a fan-out job failed');
    return jobs.length;
  }

  /** Retracts a post through the API and fans it out; returns the CloudFront paths it invalidated. */
  async retract(token: string, postId: string): Promise<number> {
    const watch = new Stopwatch();
    this.invalidated.length = 0;
    await this.callApi(watch, token, { method: 'DELETE', url: `/api/posts/${postId}` });
    await this.fanOut(watch);
    this.meter.take();
    return this.invalidated.length;
  }

  /** One scheduled sweep over the table as the sample left it. */
  async sweep(): Promise<{ tally: Tally; billedMs: number }> {
    this.meter.take();
    const start = performance.now();
    await sweeperHandler(this.deps)();
    return { billedMs: Math.ceil(performance.now() - start), tally: this.meter.take() };
  }

  /** The notification S3 sends for the uploaded original (its real size and ETag). */
  private async incomingNotification(schoolId: string, postId: string, mediaId: string) {
    const bucket = this.deps.config.incomingBucket;
    const key = incomingKey(schoolId, postId, mediaId);
    const head = await this.uncounted.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return s3ObjectCreated({ bucket, key, size: head.ContentLength ?? 0, eTag: head.ETag ?? '' });
  }

  /**
   * What a phone fetches to see the post: its page, and what the page's real markup makes a 390 px, 3×
   * phone download (phone-view.ts), at the sizes stored; and what the post added to the bucket.
   */
  private async familyView(postId: string): Promise<{ bytes: number; requests: number; storedBytes: number }> {
    const current = await getPostWithMedia(this.uncounted, postId);
    if (!current) throw new Error('the post vanished');
    const page = await this.uncounted.clients.s3.send(
      new GetObjectCommand({ Bucket: this.deps.config.siteBucket, Key: siteKeys.postPage(postId) }),
    );
    const html = (await page.Body?.transformToString()) ?? '';
    const fetched = await Promise.all(phoneFetches(html).map((f) => this.siteObjectBytes(f.url)));
    const mediaBytes = current.media.flatMap((m) => m.outputs).reduce((sum, o) => sum + o.bytes, 0);
    const pageBytes = Buffer.byteLength(html);
    return {
      bytes: pageBytes + fetched.reduce((sum, n) => sum + n, 0),
      requests: 1 + fetched.length,
      storedBytes: pageBytes + mediaBytes,
    };
  }

  /** The size of the site object behind one of the page's URLs. */
  private async siteObjectBytes(url: string): Promise<number> {
    const prefix = `${this.deps.config.publicUrl}/`;
    if (!url.startsWith(prefix)) throw new Error(`the page fetches ${url}, outside the site`);
    const key = decodeURIComponent(url.slice(prefix.length));
    const head = await this.uncounted.clients.s3.send(new HeadObjectCommand({ Bucket: this.deps.config.siteBucket, Key: key }));
    return head.ContentLength ?? 0;
  }
}

/** Any valid P-256 public key: the receiver accepts pushes without decrypting them. */
const PHONE_KEY = createECDH('prime256v1').generateKeys().toString('base64url');

/**
 * What Lambda sends CloudWatch Logs besides the function's own output: the START, END and REPORT lines
 * of every invocation (~90 + 60 + 200 bytes, with the request id and the REPORT's figures).
 */
const PLATFORM_LOG_BYTES = 350;

/** Counts what the process writes to stdout and stderr (on Lambda, each line is a CloudWatch Logs event). */
function countOutput(): () => number {
  let bytes = 0;
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      return (originals[i] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  return () => {
    streams.forEach((stream, i) => {
      stream.write = originals[i] as typeof stream.write;
    });
    return bytes;
  };
}

/** Billed Lambda time per function: each invocation's wall time, rounded up to the millisecond as Lambda bills. */
class Stopwatch {
  readonly lambda: LambdaTimes = {};

  async time<T>(name: FunctionName, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const logged = countOutput();
    try {
      return await work();
    } finally {
      const entry = this.lambda[name] ?? { invocations: 0, billedMs: 0, logBytes: 0 };
      entry.invocations++;
      entry.billedMs += Math.ceil(performance.now() - start);
      entry.logBytes += logged() + PLATFORM_LOG_BYTES;
      this.lambda[name] = entry;
    }
  }
}
