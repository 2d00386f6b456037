import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApi } from '../api/app';
import { buildClients } from '../aws/clients';
import { type Config, configSchema } from '../aws/config';
import type { Deps } from '../core/deps';
import { sweep } from '../core/jobs/sweeper';
import { objectCreatedEvent } from '../core/media/s3-event';
import { fanoutHandler } from '../handlers/fanout';
import { mediaHandler } from '../handlers/media';
import { type Emulators, startEmulators } from './emulators';
import { InProcessQueue, type InProcessQueueOptions } from './queue';
import { S3_PROXY_PREFIX, s3Proxy } from './s3-proxy';
import { SiteCache } from './site-cache';
import { siteKeyForPath, siteRoutes } from './site-routes';

export interface LocalOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** How often the sweeper runs (0 = only at start). */
  sweepEveryMs?: number;
  queueOptions?: InProcessQueueOptions;
  now?: () => Date;
  /** Test-only: crash a worker at a named point (see `Deps.faults`). */
  faults?: Deps['faults'];
}

/** A running embedded Corridor: the same handlers as on AWS, with emulators on loopback. */
export interface LocalCorridor {
  url: string;
  deps: Deps;
  emulators: Emulators;
  mediaQueue: InProcessQueue;
  fanoutQueue: InProcessQueue;
  /** Holds what the outbox sent: delivery to parents (its consumer) is not built yet. */
  notificationsQueue: InProcessQueue;
  /** Resolves when both queues are drained (tests wait on it instead of sleeping). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export const LOCAL_NAMES = { table: 'corridor', incomingBucket: 'corridor-incoming', siteBucket: 'corridor-site' } as const;

/** Starts the embedded default: emulators, queues, scheduler and the HTTP server, in this process. */
export async function startLocal(options: LocalOptions): Promise<LocalCorridor> {
  await mkdir(options.dataDir, { recursive: true });
  const emulators = await startEmulators({
    dataDir: options.dataDir,
    tableName: LOCAL_NAMES.table,
    buckets: [LOCAL_NAMES.incomingBucket, LOCAL_NAMES.siteBucket],
  });
  let app: Hono | undefined;
  const host = options.host ?? '127.0.0.1';
  const server = await listen(
    (request) => (app ? app.fetch(request) : new Response('starting', { status: 503 })),
    options.port ?? 3000,
    host,
  );
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host}:${port}`;

  const config: Config = configSchema.parse({
    region: 'eu-west-2',
    tableName: LOCAL_NAMES.table,
    incomingBucket: LOCAL_NAMES.incomingBucket,
    siteBucket: LOCAL_NAMES.siteBucket,
    publicUrl: url,
    mediaQueueUrl: 'local://media',
    fanoutQueueUrl: 'local://fanout',
    notificationsQueueUrl: 'local://notifications',
    dynamoEndpoint: emulators.dynamoEndpoint,
    s3Endpoint: emulators.s3Endpoint,
    s3PublicEndpoint: `${url}${S3_PROXY_PREFIX}`,
    sesEndpoint: emulators.sesEndpoint,
  });
  const clients = buildClients(config);
  const cache = new SiteCache(clients.s3, config.siteBucket);
  const forget = async (paths: string[]) =>
    cache.invalidate(paths.map(siteKeyForPath).filter((key): key is string => key !== undefined));
  // Queues are created before the deps they deliver with; the late binding is the only cycle.
  const queues = { media: undefined as unknown as InProcessQueue, fanout: undefined as unknown as InProcessQueue };
  const notificationsQueue = new InProcessQueue('notifications', undefined, options.queueOptions);
  const deps: Deps = {
    config,
    clients,
    now: options.now ?? (() => new Date()),
    cdn: { changed: forget, removed: forget },
    ...(options.faults ? { faults: options.faults } : {}),
    queues: {
      fanout: async (job) => queues.fanout.send(job),
      media: async ({ key }) => queues.media.send(objectCreatedEvent(config.incomingBucket, key)),
      notifications: async (message) => notificationsQueue.send(message),
    },
  };
  queues.media = new InProcessQueue('media', mediaHandler(deps), options.queueOptions);
  queues.fanout = new InProcessQueue('fanout', fanoutHandler(deps), options.queueOptions);
  emulators.onS3Event((event) => {
    // Like the S3 → SQS notification on AWS: only the incoming bucket's creations reach the worker.
    const record = (event as { Records?: { s3?: { bucket?: { name?: string } } }[] }).Records?.[0];
    if (record?.s3?.bucket?.name === config.incomingBucket) queues.media.send(event);
  });

  const root = new Hono();
  root.route('/', s3Proxy(emulators.s3Endpoint));
  root.route('/', createApi(deps));
  root.route('/', siteRoutes(cache));
  root.get('/', (c) => c.redirect('/s/demo'));
  app = root;

  // A fresh process holds no work, so leases left by a killed process are void: reclaim them at once.
  await sweep(deps, { reclaimLeases: true, graceMs: 0 });
  const timer = options.sweepEveryMs
    ? setInterval(() => void sweep(deps).catch((error) => console.error('sweep failed', error)), options.sweepEveryMs)
    : undefined;
  await writeFile(
    join(options.dataDir, 'endpoints.json'),
    JSON.stringify({ pid: process.pid, url, dynamoEndpoint: emulators.dynamoEndpoint }),
  );

  return {
    url,
    deps,
    emulators,
    mediaQueue: queues.media,
    fanoutQueue: queues.fanout,
    notificationsQueue,
    idle: async () => {
      // Media work enqueues fan-out work and vice versa never happens, but loop until both rest at once.
      do {
        await queues.media.idle();
        await queues.fanout.idle();
      } while (!queues.media.isIdle() || !queues.fanout.isIdle());
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      queues.media.stop();
      queues.fanout.stop();
      notificationsQueue.stop();
      await new Promise((resolve) => server.close(resolve));
      await emulators.stop();
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server as Server)) as Server;
    server.once('error', reject);
  });
}
