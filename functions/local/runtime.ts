import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { WebBuild } from '../../web/build/index';
import { createApi } from '../api/app';
import { securityHeadersMiddleware } from '../api/security-headers';
import { buildClients, emulatorCredentials } from '../aws/clients';
import { type Config, configSchema } from '../aws/config';
import { byQueueUrlField, type LocalQueueName, localQueueNames, type QueueSpec, queues as queueRegistry } from '../aws/queues';
import type { Deps } from '../core/deps';
import { sweep } from '../core/jobs/sweeper';
import { objectCreatedEvent } from '../core/media/s3-event';
import { deliverHandler } from '../handlers/deliver';
import { digestHandler } from '../handlers/digest';
import { fanoutHandler } from '../handlers/fanout';
import { mediaHandler } from '../handlers/media';
import { segmentsHandler } from '../handlers/segments';
import { compression } from './compression';
import { type Emulators, startEmulators } from './emulators';
import { InProcessQueue, type InProcessQueueOptions, type SqsHandler } from './queue';
import { S3_PROXY_PREFIX, s3Proxy } from './s3-proxy';
import { LocalScheduler } from './scheduler';
import { SiteCache } from './site-cache';
import { siteKeyForPath, siteRoutes } from './site-routes';
import { webRoutes } from './web-routes';

export interface LocalOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** How often the sweeper runs (0 = only at start). */
  sweepEveryMs?: number;
  /** How old work must be before a periodic sweep re-drives it (default SWEEP_GRACE_MS, 2 minutes). */
  sweepGraceMs?: number;
  /** When a file whose upload never arrived fails its post (default 24 hours; see Config). */
  abandonUploadsAfterSeconds?: number;
  /**
   * How often due deliveries (evening digests, messages held through quiet hours) are sent; AWS runs
   * it hourly, locally it is cheap to look every minute. 0 = only when asked (`scheduler.run`).
   */
  digestEveryMs?: number;
  /**
   * Hold what the outbox sends instead of delivering it (`notificationsQueue.held()`): for tests of
   * the outbox's contract on its own.
   */
  holdNotifications?: boolean;
  queueOptions?: InProcessQueueOptions;
  now?: () => Date;
  /** Entries per feed document and archive page (default 50); tests use a few to exercise archives. */
  feedPageSize?: number;
  /**
   * The one public base URL written into every page, feed, media URL and the widget
   * (`CORRIDOR_PUBLIC_URL`). Default: the address actually served (see `servedUrl`).
   */
  publicUrl?: string;
  /**
   * Emulators already running (e.g. in another process, so they use the other core: the notify bench),
   * used and stopped instead of starting them here. They must hold the table and buckets of LOCAL_NAMES.
   */
  emulators?: Emulators;
  /** Test-only: crash a worker at a named point (see `Deps.faults`). */
  faults?: Deps['faults'];
  /** Translates captions for schools that turn it on (`CORRIDOR_TRANSLATE_URL`); none by default. */
  translator?: Deps['translator'];
  /**
   * When long videos are split into pieces encoded in parallel (default: the configuration's, 60 s and
   * 20 s pieces); tests lower both to exercise the segment path with short clips.
   */
  videoSplit?: { afterSeconds: number; segmentSeconds: number };
  /** Hold the long videos' piece and join jobs instead of running them (`segmentsQueue.held()`). */
  holdSegments?: boolean;
}

/** A running embedded Corridor: the same handlers as on AWS, with emulators on loopback. */
export interface LocalCorridor {
  url: string;
  deps: Deps;
  emulators: Emulators;
  mediaQueue: InProcessQueue;
  fanoutQueue: InProcessQueue;
  /** The outbox's messages, delivered to parents (or held, with `holdNotifications`). */
  notificationsQueue: InProcessQueue;
  /** A long video's piece and join jobs (or held, with `holdSegments`). */
  segmentsQueue: InProcessQueue;
  /** EventBridge Scheduler's stand-in: runs the sweeper and the digest on their cadence. */
  scheduler: LocalScheduler;
  /** Runs the digest job now, as the hourly schedule would (tests drive it with a fake clock). */
  runDigest(): Promise<unknown>;
  /** The composer and widget, built on first use and kept (rejects when a bundle is over budget). */
  web(): Promise<WebBuild>;
  /** Resolves when every queue is drained (tests wait on it instead of sleeping). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export const LOCAL_NAMES = { table: 'corridor', incomingBucket: 'corridor-incoming', siteBucket: 'corridor-site' } as const;
/** What the configuration names each queue the app sends to, locally (the sends go to in-process queues, not these). */
export const LOCAL_QUEUE_URLS = byQueueUrlField((name) => `local://${name}`);

/** Starts the embedded default: emulators, queues, scheduler and the HTTP server, in this process. */
export async function startLocal(options: LocalOptions): Promise<LocalCorridor> {
  await mkdir(options.dataDir, { recursive: true });
  // Powertools metrics are CloudWatch EMF lines: without CloudWatch they are noise (aws/telemetry.ts).
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const emulators = options.emulators ?? (await startCorridorEmulators(options.dataDir));
  let app: Hono | undefined;
  const host = options.host ?? '127.0.0.1';
  const server = await listen(
    (request) => (app ? app.fetch(request) : new Response('starting', { status: 503 })),
    options.port ?? 3000,
    host,
  );
  const port = (server.address() as AddressInfo).port;
  const url = (options.publicUrl ?? servedUrl(host, port)).replace(/\/+$/, '');

  // Queues are created before the deps they deliver with; the late binding is the only cycle.
  const late = undefined as unknown as InProcessQueue;
  const queues: Record<LocalQueueName, InProcessQueue> = { media: late, fanout: late, notifications: late, segments: late };
  const scheduler = new LocalScheduler(options.now ?? (() => new Date()));
  const forget = async (paths: string[]) => {
    // Retracts invalidate wildcards (`/s/demo*`, fanout.ts `wildcards`); publishes name exact paths.
    for (const path of paths.filter((p) => p.endsWith('*'))) cache.invalidatePrefix(path.slice(1, -1));
    cache.invalidate(paths.map(siteKeyForPath).filter((key): key is string => key !== undefined));
  };
  const deps = emulatorDeps(emulators, {
    publicUrl: url,
    s3PublicEndpoint: `${url}${S3_PROXY_PREFIX}`,
    now: options.now,
    faults: options.faults,
    translator: options.translator,
    feedPageSize: options.feedPageSize,
    abandonUploadsAfterSeconds: options.abandonUploadsAfterSeconds,
    videoSplit: options.videoSplit,
    cdn: { changed: forget, removed: forget },
    queues: {
      fanout: async (job) => queues.fanout.send(job),
      media: async ({ key }) => queues.media.send(objectCreatedEvent(LOCAL_NAMES.incomingBucket, key)),
      notifications: async (message) => queues.notifications.send(message),
      segments: async (job) => queues.segments.send(job),
    },
  });
  const { config, clients } = deps;
  const startedAt = deps.now();
  const cache = new SiteCache(clients.s3, config.siteBucket);
  // Each queue of the registry (aws/queues.ts) that runs here, with the registry's batch size and receives.
  // A journaled one keeps its messages in a journal under the data folder, so what was sent survives
  // kill -9; it delivers once the start-up sweep below has voided the killed process's leases.
  const consumers: Record<LocalQueueName, SqsHandler | undefined> = {
    // Locally the media queue goes straight to the media worker (on AWS a router picks image or audio/video).
    media: mediaHandler(deps),
    fanout: fanoutHandler(deps),
    notifications: options.holdNotifications ? undefined : deliverHandler(deps),
    segments: options.holdSegments ? undefined : segmentsHandler(deps),
  };
  for (const name of localQueueNames) {
    const spec: QueueSpec = queueRegistry[name];
    if (spec.local === false) continue; // not reached: localQueueNames holds only local queues
    queues[name] = new InProcessQueue(name, consumers[name], {
      batchSize: spec.local.batchSize ?? spec.batchSize,
      maxReceiveCount: spec.maxReceiveCount,
      ...options.queueOptions,
      ...(spec.local.journaled ? { journal: join(options.dataDir, 'queues', `${name}.jsonl`), paused: true } : {}),
    });
  }
  emulators.onS3Event((event) => {
    // Like the S3 → SQS notification on AWS: only creations under the incoming bucket's `incoming/` prefix
    // reach the worker (a long video's temporary pieces live beside it, under `work/`). s3rver emits this
    // synchronously after storing the object and before answering the upload, and `send` writes the
    // message to the journal before it returns: the event is on disk before the phone hears OK.
    const record = (event as { Records?: { s3?: { bucket?: { name?: string }; object?: { key?: string } } }[] }).Records?.[0];
    if (record?.s3?.bucket?.name === config.incomingBucket && record.s3.object?.key?.startsWith('incoming/')) {
      queues.media.send(event);
    }
  });

  let webBuild: Promise<WebBuild> | undefined;
  // esbuild and sharp load only when a page of the web build is first asked for.
  const web = () => {
    webBuild ??= import('../../web/build/index').then(({ buildWeb }) => buildWeb());
    return webBuild;
  };

  const root = new Hono();
  // Outermost, so it compresses the finished response with every header already on it.
  root.use('*', compression());
  root.use('*', securityHeadersMiddleware(config));
  root.route(
    '/',
    s3Proxy({
      s3Endpoint: emulators.s3Endpoint,
      bucket: config.incomingBucket,
      credentials: emulatorCredentials,
      region: config.region,
    }),
  );
  root.route('/', createApi(deps));
  root.route('/', siteRoutes(cache));
  root.route('/', webRoutes(web));
  root.get('/', (c) => c.redirect('/s/demo'));
  app = root;

  // A fresh process holds no work, so leases a killed process left are void: reclaim them at once. Its
  // index may also have missed an item (dynalite writes the two apart), so it is first rebuilt from the table.
  const startup = await sweep(deps, { reclaimLeasesBefore: startedAt, reconcileIndex: true, graceMs: 0 });
  const redriven = startup.fanoutRedriven + startup.mediaRedriven + startup.settleRedriven + startup.notificationsRedriven;
  if (redriven + startup.uploadsAbandoned > 0) console.log(`Start-up sweep: ${JSON.stringify(startup)}`);
  for (const queue of Object.values(queues)) queue.resume();
  const runSweep = () => sweep(deps, { graceMs: options.sweepGraceMs });
  const runDigest = digestHandler(deps);
  if (options.sweepEveryMs) scheduler.every('sweep', options.sweepEveryMs, runSweep);
  const digestEveryMs = options.digestEveryMs ?? 60_000;
  if (digestEveryMs) scheduler.every('digest', digestEveryMs, runDigest);
  await writeFile(
    join(options.dataDir, 'endpoints.json'),
    JSON.stringify({ pid: process.pid, url, dynamoEndpoint: emulators.dynamoEndpoint, s3Endpoint: emulators.s3Endpoint }),
  );

  return {
    url,
    deps,
    emulators,
    mediaQueue: queues.media,
    fanoutQueue: queues.fanout,
    notificationsQueue: queues.notifications,
    segmentsQueue: queues.segments,
    scheduler,
    runDigest: () => scheduler.run('digest', runDigest),
    web,
    idle: async () => {
      // Media work enqueues fan-out work, which enqueues notifications: loop until all rest at once.
      const all = [
        queues.media,
        queues.fanout,
        ...(options.holdSegments ? [] : [queues.segments]),
        ...(options.holdNotifications ? [] : [queues.notifications]),
      ];
      do {
        for (const queue of all) await queue.idle();
      } while (!all.every((queue) => queue.isIdle()));
    },
    stop: async () => {
      await scheduler.stop();
      await Promise.all(Object.values(queues).map((queue) => queue.stop()));
      await new Promise((resolve) => server.close(resolve));
      await emulators.stop();
    },
  };
}

export interface EmulatorDepsOptions {
  /** Base URL of the public site (the local server, or any URL when no server runs). */
  publicUrl: string;
  /** Where presigned uploads go when it is not the S3 emulator itself (the local server's proxy). */
  s3PublicEndpoint?: string;
  queues: Deps['queues'];
  cdn: Deps['cdn'];
  now?: () => Date;
  faults?: Deps['faults'];
  translator?: Deps['translator'];
  /** Entries per feed document (default 50). */
  feedPageSize?: number;
  abandonUploadsAfterSeconds?: number;
  /** When long videos are split (default: the configuration's). */
  videoSplit?: { afterSeconds: number; segmentSeconds: number };
}

/**
 * The handlers' dependencies on the emulators: the real SDK clients, built from a configuration that
 * differs from AWS only in its endpoints. The embedded default passes its in-process queues and site
 * cache; handler tests and benchmarks pass their own, to drive each hop with AWS-shaped events.
 */
export function emulatorDeps(emulators: Emulators, options: EmulatorDepsOptions): Deps {
  const config: Config = configSchema.parse({
    region: 'eu-west-2',
    tableName: LOCAL_NAMES.table,
    incomingBucket: LOCAL_NAMES.incomingBucket,
    siteBucket: LOCAL_NAMES.siteBucket,
    publicUrl: options.publicUrl,
    ...LOCAL_QUEUE_URLS,
    feedPageSize: options.feedPageSize,
    abandonUploadsAfterSeconds: options.abandonUploadsAfterSeconds,
    videoSplitAfterSeconds: options.videoSplit?.afterSeconds,
    videoSegmentSeconds: options.videoSplit?.segmentSeconds,
    dynamoEndpoint: emulators.dynamoEndpoint,
    s3Endpoint: emulators.s3Endpoint,
    s3PublicEndpoint: options.s3PublicEndpoint,
    sesEndpoint: emulators.sesEndpoint,
  });
  return {
    config,
    clients: buildClients(config),
    now: options.now ?? (() => new Date()),
    cdn: options.cdn,
    queues: options.queues,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.translator ? { translator: options.translator } : {}),
  };
}

/** Starts the emulators with Corridor's table and buckets in `dataDir` (what `startLocal` runs on). */
export function startCorridorEmulators(dataDir: string): Promise<Emulators> {
  return startEmulators({
    dataDir,
    tableName: LOCAL_NAMES.table,
    buckets: [LOCAL_NAMES.incomingBucket, LOCAL_NAMES.siteBucket],
  });
}

/**
 * The address this server answers on, exactly as a browser or an embedding site's CSP names it: the host
 * it listens on (not `localhost`, which a CSP naming `127.0.0.1` does not match). A wildcard host is
 * reached through loopback.
 */
export function servedUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server as Server)) as Server;
    server.once('error', reject);
  });
}
