import { join, resolve } from 'node:path';
import { CfnOutput, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type Config, configToEnv } from '../functions/aws/config';
import {
  byQueueUrlField,
  type QueueName,
  type QueueSpec,
  queueNames,
  queues as queueRegistry,
  queueUrlEnv,
  routerQueueNames,
} from '../functions/aws/queues';
import { TABLE_OUTPUT, tableShape } from '../functions/aws/table';
import { Cdn, PARENT_PAGE_PATHS } from './cdn';
import { Email } from './email';
import { FFMPEG_DIR_ON_LAMBDA, FfmpegLayer } from './ffmpeg-layer';
import { apiBundling, CorridorFunction, FACE_ASSETS_ON_LAMBDA, faceBundling, type HandlerName, sharpBundling } from './lambda';
import { deadLetterAlarm, WorkQueue } from './queues';
import { Storage } from './storage';

/** A queue consumer's event source settings, from the one queue registry (functions/aws/queues.ts). */
const consumerOf = (spec: QueueSpec) => ({
  batch: spec.batchSize,
  maxConcurrency: spec.maxConcurrency,
  ...(spec.batchingWindowSeconds ? { batchingWindow: Duration.seconds(spec.batchingWindowSeconds) } : {}),
});

/**
 * Memory, timeouts and concurrency, with the reasons (a queue consumer's batch and concurrency come from
 * the queue registry, functions/aws/queues.ts, where the reasons for those are). Lambda gives CPU in proportion to memory
 * (1 vCPU at 1,769 MB). https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
 */
export const sizing = {
  /** HTTP API integrations time out at 30 s, so the function gives up first. */
  api: { memory: 1024, timeout: Duration.seconds(29), reserved: 50 },
  /** Reads 64 bytes per upload and forwards a message. */
  router: { memory: 256, timeout: Duration.seconds(30), ...consumerOf(queueRegistry.media) },
  /**
   * sharp runs one libvips thread on glibc without jemalloc (docs/architecture.md, sharp), so more than one vCPU buys
   * nothing; 2 GB holds a 50 MB upload, a 100 MP decode limit and heic-decode's WASM heap. A 12 MP photo
   * takes ~0.7–2 s, the largest allowed input well under a minute.
   */
  image: { memory: 2048, timeout: Duration.minutes(3), ...consumerOf(queueRegistry.image) },
  /**
   * Sized from the benchmark: 1080p → 720p H.264 veryfast ≈ 3.4× realtime on 2 cores, so a 4-minute
   * newsletter takes ~70 s. 3,008 MB (~1.7 vCPU; also the memory ceiling of new accounts) makes that
   * ~85 s, and the 15-minute maximum timeout leaves ~10× headroom for slow HEVC sources. 4 GiB of /tmp
   * holds a 1 GB upload (MAX_UPLOAD_BYTES.video) beside its 720p output. The lease the worker takes
   * (MEDIA_LEASE_MS) is also 15 minutes, so a live worker's lease never expires under it.
   */
  av: { memory: 3008, timeout: Duration.minutes(15), ephemeralMiB: 4096, ...consumerOf(queueRegistry.av) },
  /**
   * A long video's pieces (20 s each) and its join: the same 3,008 MB (~1.7 vCPU) as the audio/video
   * worker, because a piece is the same encode, shorter. A 20 s 1080p piece is ~16 CPU-seconds, ~10 s on
   * 1.7 vCPU (estimated from the single job's CPU time, docs/media.md); 5 minutes leaves ~30× headroom for
   * slow HEVC sources and the join. 2 GiB of
   * /tmp holds the largest piece of a 1 GB upload beside its encode, or a whole joined video.
   */
  segments: { memory: 3008, timeout: Duration.minutes(5), ephemeralMiB: 2048, ...consumerOf(queueRegistry.segments) },
  /** Renders channel artifacts and hands each (post, family) to the notifications queue. */
  fanout: { memory: 1769, timeout: Duration.minutes(3), ...consumerOf(queueRegistry.fanout) },
  /** Delivery to parents: web push encrypts per message (ECDH + AES-GCM), CPU-bound, so a full vCPU. */
  deliver: { memory: 1769, timeout: Duration.minutes(3), ...consumerOf(queueRegistry.notifications) },
  /** Runs every 5 minutes; reserved 1 so a slow run never overlaps the next and re-drives twice. */
  sweeper: { memory: 512, timeout: Duration.minutes(2), reserved: 1 },
  /** One run sends every due digest (and what quiet hours held back); reserved 1 so runs never overlap. */
  digest: { memory: 1769, timeout: Duration.minutes(10), reserved: 1 },
  emailEvents: { memory: 256, timeout: Duration.seconds(30), ...consumerOf(queueRegistry.emailEvents) },
} as const;

/** Each queue's consumer: the function (and its sizing) the queue's event source invokes, from the registry. */
const consumerKey = (name: QueueName): QueueSpec['consumer'] => queueRegistry[name].consumer;
/** The consumers' sizing: every consumer the registry names must have one, with its event source's batch. */
const consumerSizing: Record<
  QueueSpec['consumer'],
  { timeout: Duration; batch: number; maxConcurrency: number; batchingWindow?: Duration }
> = sizing;

/** The evening digest: an hourly run evaluated in each school's own time zone (default Europe/London). */
export const DIGEST_SCHEDULE = { minute: '0', hour: '*', timeZone: TimeZone.EUROPE_LONDON } as const;
export const SWEEP_EVERY = Duration.minutes(5);

/** DynamoDB item actions the code uses (conditional single-item writes, queries; no scans, no transactions). */
const TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** Delivery reads a batch's families in one request and writes ledger records 25 at a time. */
const TABLE_BATCH_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'];
const SES_SEND = ['ses:SendEmail', 'ses:SendRawEmail'];

export interface CorridorInfraProps {
  /** SST stage, e.g. `prod`. */
  stage: string;
  /** App name (SST `name`); prefixes physical names. Default `corridor`. */
  appName?: string;
  /** Keep the table and the site bucket when the stack is removed. Default: `stage === 'prod'`. */
  retainData?: boolean;
  email: {
    /** Sending domain, verified in SES. */
    domain: string;
    /** From address; default `Corridor <no-reply@<domain>>`. */
    from?: string;
    /** Create the SES identity here (default) or use one already verified. */
    identity?: 'create' | 'existing';
  };
  /** Custom domain for the site (needs `certificateArn`, an ACM certificate in us-east-1). */
  domainName?: string;
  certificateArn?: string;
  /** Folder with `bin/ffmpeg` and `bin/ffprobe` (static linux-arm64). */
  ffmpegLayerDir: string;
  /** Check the ffmpeg binaries at synth (default true). */
  verifyFfmpegLayer?: boolean;
  /** Subscribe this address to every alarm. */
  alarmEmail?: string;
  /**
   * Reserve concurrency for the API, sweeper and digest (default true). An account must keep 100
   * unreserved, so accounts still at the new-account limit (10) must turn this off or raise the quota.
   */
  reserveConcurrency?: boolean;
  /** More origins allowed to PUT uploads from a browser (e.g. `http://localhost:5173`). */
  extraUploadOrigins?: string[];
  /** Repository root (package.json, package-lock.json, functions/). Default: the working directory. */
  projectRoot?: string;
  /** Override handler entry files (tests use this for handlers not written yet). */
  entries?: Partial<Record<HandlerName, string>>;
}

/**
 * Corridor on AWS: storage, the CDN, the API, the media pipeline, fan-out, schedules and email, with
 * least-privilege roles (every statement names its actions and resources; nothing grants `*`).
 *
 * Media pipeline: S3 ObjectCreated (incoming/) → media queue → **router** (reads 64 bytes, sniffs) →
 * image queue → image worker (sharp) | audio/video queue → audio/video worker (sharp + ffmpeg layer);
 * a video longer than `videoSplitAfterSeconds` is split there into pieces → segments queue → one
 * segment worker per piece, then one for the join.
 * Both workers run the same `functions/handlers/media.ts`; the split keeps photos fast and cheap while a
 * burst of videos is processing, and lets each queue's visibility timeout match its worker.
 */
export class CorridorInfra extends Construct {
  readonly storage: Storage;
  readonly cdn: Cdn;
  readonly email: Email;
  readonly httpApi: apigw.HttpApi;
  readonly alarmTopic: sns.Topic;
  readonly queues: Record<QueueName, WorkQueue>;
  readonly schedulerDeadLetters: sqs.Queue;
  readonly functions: {
    api: CorridorFunction;
    router: CorridorFunction;
    image: CorridorFunction;
    av: CorridorFunction;
    segments: CorridorFunction;
    fanout: CorridorFunction;
    deliver: CorridorFunction;
    sweeper: CorridorFunction;
    digest: CorridorFunction;
    emailEvents: CorridorFunction;
  };
  readonly schedules: { sweeper: scheduler.Schedule; digest: scheduler.Schedule };
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: CorridorInfraProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const appName = props.appName ?? 'corridor';
    const retainData = props.retainData ?? props.stage === 'prod';
    const reserve = props.reserveConcurrency ?? true;
    const root = resolve(props.projectRoot ?? process.cwd());
    const entry = (name: HandlerName) => props.entries?.[name] ?? join(root, 'functions', 'handlers', `${name}.ts`);

    this.alarmTopic = new sns.Topic(this, 'Alarms', { displayName: `Corridor ${props.stage} alarms`, enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarmAction = new actions.SnsAction(this.alarmTopic);

    // --- queues (each with its dead-letter queue and alarm) ---
    // Every queue of the registry, each sized for its consumer's timeout.
    const workQueue = (name: QueueName) =>
      new WorkQueue(this, queueRegistry[name].constructId, {
        consumerTimeout: consumerSizing[consumerKey(name)].timeout,
        maxReceiveCount: queueRegistry[name].maxReceiveCount,
        alarmAction,
      });
    this.queues = Object.fromEntries(queueNames.map((name) => [name, workQueue(name)])) as Record<QueueName, WorkQueue>;

    // --- storage + CDN ---
    const namePrefix = `${appName}-${props.stage}`.toLowerCase();
    this.storage = new Storage(this, 'Storage', { namePrefix, retainData });
    // `corridor operator token create --stage <stage>` finds the table here (functions/cli/stack-outputs.ts):
    // the first operator credential is written straight into it with the operator's own AWS credentials.
    new CfnOutput(this, 'TableNameOutput', {
      value: this.storage.table.tableName,
      description: 'The DynamoDB table (corridor operator token create --stage reads it)',
    }).overrideLogicalId(TABLE_OUTPUT);
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: `Corridor ${props.stage} API (reached through CloudFront at /api/*)`,
      createDefaultStage: true,
    });
    this.cdn = new Cdn(this, 'Cdn', {
      site: this.storage.site,
      apiHost: `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
      uploadOrigin: this.storage.incomingUploadOrigin,
      domainName: props.domainName,
      certificateArn: props.certificateArn,
    });
    this.publicUrl = this.cdn.publicUrl;
    // The CDN's CSP names the upload host and the bucket's CORS names the site: the fixed incoming bucket
    // name keeps that from being a dependency cycle (see Storage.incomingBucketName).
    this.storage.allowBrowserUploads([this.publicUrl, ...(props.extraUploadOrigins ?? [])]);
    this.connectIncomingToMediaQueue(this.storage.incoming, this.storage.incomingBucketName, this.queues.media.queue);

    // --- email ---
    this.email = new Email(this, 'Email', {
      domain: props.email.domain,
      identity: props.email.identity ?? 'create',
      eventsQueue: this.queues.emailEvents.queue,
    });
    const emailEnv = {
      CORRIDOR_EMAIL_FROM: props.email.from ?? `Corridor <no-reply@${props.email.domain}>`,
      CORRIDOR_SES_CONFIGURATION_SET: this.email.configurationSet.configurationSetName,
    };

    // --- VAPID keys: generated on first start and kept in the table (functions/core/messaging/secrets.ts),
    // never in the template; the subject tells push services whom to contact about our traffic.
    const pushEnv = { CORRIDOR_VAPID_SUBJECT: `mailto:no-reply@${props.email.domain}` };

    // --- environment: exactly what configFromEnv reads (names from functions/aws/config.ts) ---
    const { table, incoming, site } = this.storage;
    const configEnv = (extra: Partial<Config> = {}): Record<string, string> => {
      const { AWS_REGION: _region, ...env } = configToEnv({
        region: stack.region, // set by Lambda itself (a reserved variable), dropped here
        tableName: table.tableName,
        incomingBucket: incoming.bucketName,
        siteBucket: site.bucketName,
        publicUrl: this.publicUrl,
        ...byQueueUrlField((name) => this.queues[name].queue.queueUrl),
        ...extra,
      });
      return env;
    };

    const common = { projectRoot: root, retainLogs: retainData, alarmTopic: alarmAction };
    const fn = (
      name: string,
      options: {
        entry: string;
        description: string;
        memory: number;
        timeout: Duration;
        environment: Record<string, string>;
        reserved?: number;
        extra?: Partial<ConstructorParameters<typeof CorridorFunction>[2]>;
      },
    ) =>
      new CorridorFunction(this, name, {
        ...common,
        entry: options.entry,
        description: options.description,
        memorySize: options.memory,
        timeout: options.timeout,
        environment: options.environment,
        serviceName: `corridor-${name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`,
        reservedConcurrentExecutions: reserve ? options.reserved : undefined,
        ...options.extra,
      });

    const ffmpeg = new FfmpegLayer(this, 'Ffmpeg', { dir: resolve(root, props.ffmpegLayerDir), verify: props.verifyFfmpegLayer });

    this.functions = {
      api: fn('Api', {
        entry: entry('api'),
        description: 'Corridor HTTP API (Hono)',
        ...sizing.api,
        environment: { ...configEnv(), ...emailEnv },
        // Rotating a private feed renders it, which draws the school's artwork if it has none yet; a
        // school's logo goes through the photo pipeline in the request (core/admin/logo.ts).
        extra: { bundling: apiBundling },
      }),
      router: fn('MediaRouter', {
        // Found from the project root, not import.meta: SST bundles sst.config.ts (and this file) elsewhere.
        entry: join(root, 'infra', 'media-router', 'handler.ts'),
        description: 'Corridor media router: uploads → image or audio/video worker',
        ...sizing.router,
        environment: Object.fromEntries(routerQueueNames.map((name) => [queueUrlEnv(name), this.queues[name].queue.queueUrl])),
      }),
      image: fn('ImageWorker', {
        entry: entry('media'),
        description: 'Corridor image worker (sharp, face detection)',
        ...sizing.image,
        environment: configEnv({ faceModelDir: FACE_ASSETS_ON_LAMBDA }),
        extra: { bundling: faceBundling },
      }),
      av: fn('AvWorker', {
        entry: entry('media'),
        description: 'Corridor audio/video worker (ffmpeg layer + sharp for posters)',
        ...sizing.av,
        environment: configEnv({ ffmpegDir: FFMPEG_DIR_ON_LAMBDA, faceModelDir: FACE_ASSETS_ON_LAMBDA }),
        extra: { bundling: faceBundling, layers: [ffmpeg.layer], ephemeralStorageSize: sizing.av.ephemeralMiB },
      }),
      segments: fn('AvSegmentWorker', {
        entry: entry('segments'),
        description: "Corridor long videos: one piece's encode, or the join (ffmpeg layer + sharp for posters)",
        ...sizing.segments,
        environment: configEnv({ ffmpegDir: FFMPEG_DIR_ON_LAMBDA, faceModelDir: FACE_ASSETS_ON_LAMBDA }),
        extra: { bundling: faceBundling, layers: [ffmpeg.layer], ephemeralStorageSize: sizing.segments.ephemeralMiB },
      }),
      fanout: fn('Fanout', {
        entry: entry('fanout'),
        description: 'Corridor fan-out: channel artifacts, invalidations, notifications, caption translation',
        ...sizing.fanout,
        environment: configEnv({ cdnDistributionId: this.cdn.distribution.distributionId, translator: 'amazon' }),
        // The school's podcast artwork is drawn with sharp on its first render (core/schools/artwork.ts).
        extra: { bundling: sharpBundling },
      }),
      deliver: fn('Deliver', {
        entry: entry('deliver'),
        description: 'Corridor delivery to parents: web push, email, digest entries',
        ...sizing.deliver,
        environment: { ...configEnv({ translator: 'amazon' }), ...emailEnv, ...pushEnv },
      }),
      sweeper: fn('Sweeper', {
        entry: entry('sweeper'),
        description: 'Corridor sweeper: re-drives anything stuck',
        ...sizing.sweeper,
        environment: configEnv(),
      }),
      digest: fn('Digest', {
        entry: entry('digest'),
        description: 'Corridor evening digest',
        ...sizing.digest,
        environment: { ...configEnv({ translator: 'amazon' }), ...emailEnv, ...pushEnv },
      }),
      emailEvents: fn('EmailEvents', {
        entry: entry('email-events'),
        description: 'Corridor SES bounces and complaints → suppression',
        ...sizing.emailEvents,
        environment: configEnv(),
      }),
    };
    this.grantLeastPrivilege();

    // --- triggers ---
    const apiIntegration = new integrations.HttpLambdaIntegration('Api', this.functions.api.fn, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    // The API, and parents' pages (CloudFront routes the same paths here: infra/cdn.ts).
    for (const path of ['/api/*', ...PARENT_PAGE_PATHS]) {
      this.httpApi.addRoutes({
        path: path.replace(/\*$/, '{proxy+}'),
        methods: [apigw.HttpMethod.ANY],
        integration: apiIntegration,
      });
    }
    const consume = (
      f: CorridorFunction,
      q: WorkQueue,
      s: { batch: number; maxConcurrency: number; batchingWindow?: Duration },
    ) =>
      f.fn.addEventSource(
        new sources.SqsEventSource(q.queue, {
          batchSize: s.batch,
          maxBatchingWindow: s.batchingWindow,
          maxConcurrency: s.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    // Queue consumers are bounded with the event source's maximum concurrency rather than reserved
    // concurrency: throttled SQS batches count as receives and would dead-letter healthy messages.
    for (const name of queueNames) {
      consume(this.functions[consumerKey(name)], this.queues[name], consumerSizing[consumerKey(name)]);
    }

    this.schedulerDeadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    deadLetterAlarm(this, 'ScheduleDeadLettersAlarm', this.schedulerDeadLetters, `schedules (${stack.stackName})`, alarmAction);
    const scheduled = (job: string) =>
      scheduler.ScheduleTargetInput.fromObject({
        // The shape of an EventBridge "Scheduled Event", so handlers typed with aws-lambda's ScheduledEvent
        // read it; `time` is the scheduled (not actual) time, stable across retries of one run.
        version: '0',
        id: scheduler.ContextAttribute.executionId,
        'detail-type': 'Scheduled Event',
        source: 'corridor.scheduler',
        account: stack.account,
        time: scheduler.ContextAttribute.scheduledTime,
        region: stack.region,
        resources: [scheduler.ContextAttribute.scheduleArn],
        detail: { job, attempt: scheduler.ContextAttribute.attemptNumber },
      });
    this.schedules = {
      sweeper: new scheduler.Schedule(this, 'SweepSchedule', {
        description: 'Corridor: re-drive stuck media and fan-out every 5 minutes',
        schedule: scheduler.ScheduleExpression.rate(SWEEP_EVERY),
        target: new targets.LambdaInvoke(this.functions.sweeper.fn, {
          input: scheduled('sweep'),
          retryAttempts: 2,
          // A sweep older than the next one is worthless.
          maxEventAge: SWEEP_EVERY,
          deadLetterQueue: this.schedulerDeadLetters,
        }),
      }),
      digest: new scheduler.Schedule(this, 'DigestSchedule', {
        description: "Corridor: evening digests (hourly; each school's time zone decides who is due)",
        schedule: scheduler.ScheduleExpression.cron(DIGEST_SCHEDULE),
        target: new targets.LambdaInvoke(this.functions.digest.fn, {
          input: scheduled('digest'),
          retryAttempts: 5,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.schedulerDeadLetters,
        }),
      }),
    };
  }

  /**
   * S3 → SQS without CDK's BucketNotifications custom resource (whose role needs
   * `s3:PutBucketNotification` on `*`): the notification is set on the bucket itself, and the bucket waits
   * for the queue policy that lets S3 send (S3 validates the destination when the bucket is configured).
   * The policy names the bucket by its fixed ARN, so it does not reference the bucket resource (no cycle).
   */
  private connectIncomingToMediaQueue(bucket: s3.Bucket, bucketName: string, queue: sqs.Queue): void {
    const stack = Stack.of(this);
    const { policyDependable } = queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:s3:::${bucketName}` },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: queue.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: 'incoming/' }] } },
        },
      ],
    };
    if (policyDependable) cfnBucket.node.addDependency(policyDependable);
  }

  /** Each function: exactly the actions it uses, on exactly its resources. */
  private grantLeastPrivilege(): void {
    const { table, incoming, site } = this.storage;
    const { api, router, image, av, segments, fanout, deliver, sweeper, digest, emailEvents } = this.functions;
    const gsi = (name: string) => `${table.tableArn}/index/${name}`;
    const incomingObjects = incoming.arnForObjects('incoming/*');
    // s3:ListBucket makes a missing key a 404 (NotFound) rather than a 403, which the sweeper relies on.
    const listIncoming = (f: CorridorFunction) =>
      f.allow(['s3:ListBucket'], [incoming.bucketArn], { StringLike: { 's3:prefix': ['incoming/*'] } });
    const send = (f: CorridorFunction, ...queues: WorkQueue[]) =>
      f.allow(
        ['sqs:SendMessage'],
        queues.map((q) => q.queue.queueArn),
      );
    const sendEmail = (f: CorridorFunction) => f.allow(SES_SEND, this.email.sendResources);
    // Captions for schools that turn translation on (the school's monthly character budget is enforced
    // in the table). TranslateText has no resource-level permissions, so the resource is '*'.
    const translate = (f: CorridorFunction) => f.allow(['translate:TranslateText'], ['*']);

    // API: the table; presigned single and multipart uploads (the URL carries the signer's rights);
    // publish/retract jobs; face edits for the image worker (through the router, like an upload); the
    // opt-in email; the VAPID public key for subscribing browsers.
    api.allow(TABLE_ACTIONS, [table.tableArn]);
    api.allow(['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], [incomingObjects]);
    send(api, this.queues.fanout, this.queues.media);
    sendEmail(api);

    // Router: 64 bytes of each upload; forwards to one of the two worker queues.
    router.allow(['s3:GetObject'], [incomingObjects]);
    listIncoming(router);
    send(router, this.queues.image, this.queues.av);

    // Workers: read and then delete the original; write content-addressed variants under media/ only;
    // settle the post (a publish job).
    for (const worker of [image, av]) {
      worker.allow(TABLE_ACTIONS, [table.tableArn]);
      worker.allow(['s3:GetObject', 's3:DeleteObject'], [incomingObjects]);
      listIncoming(worker);
      worker.allow(['s3:PutObject'], [site.arnForObjects('media/*')]);
      send(worker, this.queues.fanout);
    }
    // A face edit (jobs/media/reblur.ts): the image worker re-renders from the stored largest JPEG and,
    // for a post no channel shows yet, deletes the old variants (only the fan-out invalidates the CDN).
    image.allow(['s3:GetObject', 's3:DeleteObject'], [site.arnForObjects('media/*')]);

    // Long videos: the audio/video worker stores the split's pieces (under work/, which notifies nothing)
    // and queues their jobs; the piece and join jobs read, write and list them, delete them and the
    // original when the item settles, store the outputs and settle the post.
    const workObjects = incoming.arnForObjects('work/*');
    av.allow(['s3:PutObject'], [workObjects]);
    send(av, this.queues.segments);
    segments.allow(TABLE_ACTIONS, [table.tableArn]);
    segments.allow(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [workObjects]);
    segments.allow(['s3:ListBucket'], [incoming.bucketArn], { StringLike: { 's3:prefix': ['work/*'] } });
    segments.allow(['s3:DeleteObject'], [incomingObjects]);
    segments.allow(['s3:PutObject'], [site.arnForObjects('media/*')]);
    send(segments, this.queues.fanout, this.queues.segments);

    // Fan-out: writes and deletes artifacts (and a retracted post's media); invalidates; hands
    // notifications to delivery; translates captions for pages.
    fanout.allow(TABLE_ACTIONS, [table.tableArn]);
    send(fanout, this.queues.notifications);
    fanout.allow(['s3:PutObject', 's3:DeleteObject'], [site.arnForObjects('*')]);
    this.cdn.distribution.grantCreateInvalidation(fanout.role);
    // The translate job (channels/translate-job.ts): a live post's caption into its families' languages.
    translate(fanout);

    // Delivery to parents: families and the delivery ledger (read and recorded in batches); email.
    deliver.allow([...TABLE_ACTIONS, ...TABLE_BATCH_ACTIONS], [table.tableArn]);
    sendEmail(deliver);
    translate(deliver);
    // A message that made a new translation queues the translate job, which renders the post's pages again.
    send(deliver, this.queues.fanout);

    // Sweeper: finds stuck items through the sparse GSI, checks uploads exist, re-drives.
    sweeper.allow(TABLE_ACTIONS, [table.tableArn]);
    sweeper.allow(
      ['dynamodb:Query'],
      tableShape.indexes.map((i) => gsi(i.name)),
    );
    sweeper.allow(['s3:GetObject'], [incomingObjects]);
    // An upload that never arrives: its parts and any original are removed, and its post's other outputs.
    sweeper.allow(['s3:DeleteObject', 's3:AbortMultipartUpload'], [incomingObjects]);
    sweeper.allow(['s3:DeleteObject'], [site.arnForObjects('media/*')]);
    listIncoming(sweeper);
    send(sweeper, this.queues.media, this.queues.fanout, this.queues.notifications);

    // Digest: due deliveries from the sparse GSI, families and the ledger (in batches); email and push.
    digest.allow([...TABLE_ACTIONS, ...TABLE_BATCH_ACTIONS], [table.tableArn]);
    digest.allow(
      ['dynamodb:Query'],
      tableShape.indexes.map((i) => gsi(i.name)),
    );
    sendEmail(digest);
    translate(digest);
    send(digest, this.queues.fanout);

    // Email events: mark addresses suppressed.
    emailEvents.allow(TABLE_ACTIONS, [table.tableArn]);
  }
}
