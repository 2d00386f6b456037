/**
 * Every work queue, declared once: the CDK stack (infra/corridor.ts) builds its SQS queues, dead-letter
 * queues and event sources from this map, the embedded default (local/runtime.ts) its in-process queues,
 * the Lambda consumers read what a bad message gets from it (handlers/bad-message.ts), and every queue
 * URL travels in the variable it names (`queueUrlEnv`; the app's through aws/config.ts). Plain data,
 * no SDK or CDK: every layer may read it. A new queue is one entry here; the compiler then asks each
 * runtime for its part (the maps keyed by `QueueName` are exhaustive).
 *
 * Sizes, with the reasons:
 * - media: the router reads 64 bytes per upload and forwards a message (many per batch, few at once).
 * - image / av / segments: one file per invocation; the parallelism is Lambdas, not batches.
 * - fanout: renders a post's channels; records run one after another (handlers/fanout.ts).
 * - notifications: a batch's families are read in one request (BatchGetItem's 100), its instant messages of
 *   a post claimed with one write and its ledger records written 25 at a time — so batches of 100,
 *   gathered for up to a second (SQS allows more than 10 per batch only with a batching window).
 *   Locally too (bench/notify.ts, 2,000 pushes on the 2-core machine: 420–530/s at 25, 590–770/s at 100).
 * - emailEvents: SES bounces and complaints, a trickle.
 */

/** What happens to a message its consumer cannot read (not JSON, not the expected shape). */
export type BadMessage =
  /** Logged and deleted: it would fail the same way on every receive and hold up a batch of good ones. */
  | 'dropped'
  /** Failed alone (partial batch response), retried, then kept in the dead-letter queue for a person. */
  | 'dead-lettered';

export interface QueueSpec {
  /** The construct's id in the stack (the queue's logical id and the dead-letter alarm's name follow it). */
  constructId: string;
  /**
   * The Lambda function its event source invokes, by its name in the stack's sizing (infra/corridor.ts):
   * its code is functions/handlers/<name>.ts — image and av both run handlers/media.ts, email-events
   * handlers/email-events.ts — and the router's infra/media-router/handler.ts.
   */
  consumer: 'router' | 'image' | 'av' | 'segments' | 'fanout' | 'deliver' | 'emailEvents';
  /**
   * Who sends to it, and so where its URL (in `queueUrlEnv(name)`) must reach: `app`, the domain
   * (`Deps.queues`), so every function built from the configuration carries it (`Config.<name>QueueUrl`);
   * `router`, the media router (infra/media-router), which forwards each upload to one of them; `ses`,
   * SES's bounce and complaint events (no code of ours sends, so no URL is passed).
   */
  sender: 'app' | 'router' | 'ses';
  /** Messages handed to one invocation. */
  batchSize: number;
  /** How long SQS gathers a batch before invoking (needed for batches above 10). */
  batchingWindowSeconds?: number;
  /** Most invocations at once (the event source's maximum concurrency, not reserved concurrency). */
  maxConcurrency: number;
  /** Receives before a message is dead-lettered. */
  maxReceiveCount: number;
  badMessage: BadMessage;
  /**
   * Whether the embedded default runs this queue in-process, and whether it keeps a journal on disk that
   * survives kill -9 (local/queue-journal.ts). Locally the media queue goes straight to the media worker
   * (no router, so no image and audio/video queues), and SES events only exist on AWS. `batchSize`, when
   * given, is the local batch where it differs from Lambda's.
   */
  local: false | { journaled: boolean; batchSize?: number };
}

export const queues = {
  media: {
    constructId: 'MediaQueue',
    consumer: 'router',
    sender: 'app',
    batchSize: 10,
    maxConcurrency: 5,
    maxReceiveCount: 5,
    badMessage: 'dead-lettered',
    local: { journaled: true },
  },
  // The image and audio/video workers survive a few transient failures; the audio/video worker is
  // expensive, so it gives up sooner (the sweeper re-drives stuck items anyway).
  image: {
    constructId: 'ImageQueue',
    consumer: 'image',
    sender: 'router',
    batchSize: 1,
    maxConcurrency: 20,
    maxReceiveCount: 5,
    badMessage: 'dead-lettered',
    local: false,
  },
  av: {
    constructId: 'AvQueue',
    consumer: 'av',
    sender: 'router',
    batchSize: 1,
    maxConcurrency: 5,
    maxReceiveCount: 3,
    badMessage: 'dead-lettered',
    local: false,
  },
  // A long video's piece and join jobs, each its own Lambda (segment-parallel encoding). Concurrency 60:
  // five newsletters of the longest allowed length (ten minutes, 30 pieces) encoding at once (docs/scale.md).
  // Locally one at a time too: each encode already uses both cores.
  segments: {
    constructId: 'SegmentsQueue',
    consumer: 'segments',
    sender: 'app',
    batchSize: 1,
    maxConcurrency: 60,
    maxReceiveCount: 3,
    badMessage: 'dead-lettered',
    local: { journaled: false },
  },
  fanout: {
    constructId: 'FanoutQueue',
    consumer: 'fanout',
    sender: 'app',
    batchSize: 5,
    maxConcurrency: 10,
    maxReceiveCount: 5,
    badMessage: 'dead-lettered',
    // Locally 10 a batch, as the in-process queue always gave it: records run one after another either way,
    // and the crash tests' redelivery rounds were measured with it.
    local: { journaled: true, batchSize: 10 },
  },
  // The outbox's hand-off to delivery (web push, email, digest).
  notifications: {
    constructId: 'NotificationsQueue',
    consumer: 'deliver',
    sender: 'app',
    batchSize: 100,
    batchingWindowSeconds: 1,
    maxConcurrency: 10,
    maxReceiveCount: 5,
    badMessage: 'dropped',
    local: { journaled: true },
  },
  emailEvents: {
    constructId: 'EmailEventsQueue',
    consumer: 'emailEvents',
    sender: 'ses',
    batchSize: 10,
    maxConcurrency: 2,
    maxReceiveCount: 5,
    badMessage: 'dead-lettered',
    local: false,
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof queues;
export const queueNames = Object.keys(queues) as QueueName[];

/** The queues the embedded default runs in-process. */
export type LocalQueueName = { [N in QueueName]: (typeof queues)[N]['local'] extends false ? never : N }[QueueName];

export const localQueueNames = queueNames.filter((name): name is LocalQueueName => queues[name].local !== false);

type SentBy<S extends QueueSpec['sender']> = { [N in QueueName]: (typeof queues)[N]['sender'] extends S ? N : never }[QueueName];
/** The queues the domain sends to (`Deps.queues`): their URLs are part of the configuration. */
export type AppQueueName = SentBy<'app'>;
/** The queues the media router forwards uploads to. */
export type RouterQueueName = SentBy<'router'>;

export const appQueueNames = queueNames.filter((name): name is AppQueueName => queues[name].sender === 'app');
export const routerQueueNames = queueNames.filter((name): name is RouterQueueName => queues[name].sender === 'router');

/** The environment variable that carries a queue's URL: `CORRIDOR_<NAME>_QUEUE_URL`. */
export const queueUrlEnv = (name: QueueName): string =>
  `CORRIDOR_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_QUEUE_URL`;

/** The configuration field that carries an app queue's URL (`mediaQueueUrl`, …). */
export type QueueUrlField = `${AppQueueName}QueueUrl`;
export const queueUrlField = (name: AppQueueName): QueueUrlField => `${name}QueueUrl`;

/**
 * One value per app queue, keyed by its configuration field: the schema of each URL (aws/config.ts), its
 * variable's name, the stack's queue URLs (infra/corridor.ts), the embedded default's `local://<name>`.
 */
export function byQueueUrlField<T>(value: (name: AppQueueName) => T): Record<QueueUrlField, T> {
  return Object.fromEntries(appQueueNames.map((name) => [queueUrlField(name), value(name)])) as Record<QueueUrlField, T>;
}
