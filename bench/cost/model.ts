import { type LambdaArchitecture, PRICES } from './prices';
import type { DeliveryMeasure, FunctionName, LambdaTimes, PostMeasure } from './sample';

/** The load the issue asks about. */
export interface Workload {
  schools: number;
  postsPerSchoolPerDay: number;
  /** Posting days a month. 30 is every day: an upper bound (term-time school days are ~21 a month). */
  daysPerMonth: number;
  videoShare: number;
  familiesPerSchool: number;
  /** Share of posts retracted (an assumption: each retract pays for CloudFront invalidations). */
  retractShare: number;
  /**
   * Share of families who chose e-mail (an address and no phone taking the evening message); the rest
   * are push-first and get the evening message as a free web push. An assumption: see docs/scale.md.
   */
  emailShare: number;
  /** SES bounce and complaint events per e-mail sent (assumed; SES suspends accounts past 5% bounces). */
  sesEventShare: number;
}

export const FLEET: Workload = {
  schools: 1000,
  postsPerSchoolPerDay: 10,
  daysPerMonth: 30,
  videoShare: 0.1,
  familiesPerSchool: 300,
  retractShare: 0.01,
  emailShare: 0.5,
  sesEventShare: 0.02,
};

/**
 * An SQS message costs a SendMessage, the event source mapping's ReceiveMessage and its DeleteMessage.
 * At this load (~0.1 posts a second across the fleet) batches hold one message, so nothing is shared.
 */
const SQS_REQUESTS_PER_MESSAGE = 3;
/**
 * The receive and delete of each message, counted one a message whatever the batch (an upper bound: the
 * event source mapping may receive and delete up to 10 a request, but that is not measured here).
 */
const SQS_RECEIVE_AND_DELETE = 2;
/** AWS bills data transfer per GB of 2^30 bytes. */
const GB = 2 ** 30;

/** Lambda, DynamoDB, SQS and log usage of some stretch of work (a post's delivery, an evening run). */
export interface Compute {
  gbSeconds: number;
  invocations: number;
  readUnits: number;
  writeUnits: number;
  sqsRequests: number;
  logBytes: number;
}

const lambdaTotals = (lambda: LambdaTimes, memoryMb: Record<FunctionName, number>) => {
  const entries = Object.entries(lambda) as [FunctionName, { invocations: number; billedMs: number; logBytes: number }][];
  return {
    gbSeconds: entries.reduce((sum, [name, i]) => sum + (i.billedMs / 1000) * (memoryMb[name] / 1024), 0),
    invocations: entries.reduce((sum, [, i]) => sum + i.invocations, 0),
    logBytes: entries.reduce((sum, [, i]) => sum + i.logBytes, 0),
  };
};

/** A delivery measure's usage, scaled from the sample's families to the fleet's (`scale`). */
export function computeOf(measure: DeliveryMeasure, memoryMb: Record<FunctionName, number>, scale: number): Compute {
  const lambda = lambdaTotals(measure.lambda, memoryMb);
  return {
    gbSeconds: lambda.gbSeconds * scale,
    invocations: lambda.invocations * scale,
    readUnits: measure.tally.readUnits * scale,
    writeUnits: (measure.tally.writeUnits + measure.tally.indexWriteUnits) * scale,
    // Notifications are sent ten to a SendMessageBatch (the count is measured); other messages one a request.
    sqsRequests:
      (measure.sqsSendRequests === undefined
        ? measure.sqsMessages * SQS_REQUESTS_PER_MESSAGE
        : measure.sqsSendRequests + measure.sqsMessages * SQS_RECEIVE_AND_DELETE) * scale,
    logBytes: lambda.logBytes * scale,
  };
}

/** What one Compute costs at the prices. */
function computeDollars(c: Compute, arch: LambdaArchitecture): number {
  return (
    c.gbSeconds * PRICES.lambda.perGbSecond[arch] +
    (c.invocations * PRICES.lambda.perMillionRequests) / 1e6 +
    (c.readUnits * PRICES.dynamo.perMillionReadUnits) / 1e6 +
    (c.writeUnits * PRICES.dynamo.perMillionWriteUnits) / 1e6 +
    (c.sqsRequests * PRICES.sqs.perMillionRequests) / 1e6
  );
}

/** The billable quantities of one post (or an average post). */
export interface Usage {
  readUnits: number;
  writeUnits: number;
  indexWriteUnits: number;
  s3PutClass: number;
  s3GetClass: number;
  sqsRequests: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  apiRequests: number;
  storedBytes: number;
  familyBytes: number;
  familyRequests: number;
  /** What the write path's functions log (their output and Lambda's lines). */
  logBytes: number;
  /** The deliver function's work for all the school's families (scaled from the sample's). */
  delivery: Compute;
}

/**
 * A post's usage; `memoryMb` is each function's configured memory (infra `sizing`); `familyScale` is
 * the fleet's families per school over the sample's (delivery work is scaled by it).
 */
export function usageOf(
  measure: PostMeasure,
  memoryMb: Record<FunctionName, number>,
  familyScale: number,
  /** Publishing's units for the fleet's families beyond the sample's (the outbox). */
  outbox: Pick<Usage, 'writeUnits' | 'indexWriteUnits' | 'readUnits'>,
): Usage {
  const invocations = Object.entries(measure.lambda) as [FunctionName, { invocations: number; billedMs: number }][];
  return {
    readUnits: measure.tally.readUnits + outbox.readUnits,
    writeUnits: measure.tally.writeUnits + outbox.writeUnits,
    indexWriteUnits: measure.tally.indexWriteUnits + outbox.indexWriteUnits,
    s3PutClass: measure.tally.s3PutClass,
    // CloudFront fills its cache from S3 once per object (one regional edge cache serves the UK).
    s3GetClass: measure.tally.s3GetClass + measure.familyView.requests,
    sqsRequests: measure.sqsMessages * SQS_REQUESTS_PER_MESSAGE,
    lambdaInvocations: invocations.reduce((sum, [, i]) => sum + i.invocations, 0),
    lambdaGbSeconds: invocations.reduce((sum, [name, i]) => sum + (i.billedMs / 1000) * (memoryMb[name] / 1024), 0),
    apiRequests: measure.apiRequests,
    storedBytes: measure.storedBytes,
    familyBytes: measure.familyView.bytes,
    familyRequests: measure.familyView.requests,
    logBytes: lambdaTotals(measure.lambda, memoryMb).logBytes,
    delivery: computeOf(measure.delivery, memoryMb, familyScale),
  };
}

/** The mean of several posts' usage, or a weighted mix of means. */
export function blend(parts: { usage: Usage; weight: number }[]): Usage {
  return weighted(parts.map((p) => ({ value: p.usage, weight: p.weight })));
}

/** The weighted mean of records of numbers (nested records too). */
function weighted<T>(parts: { value: T; weight: number }[]): T {
  const total = parts.reduce((sum, p) => sum + p.weight, 0);
  const first = parts[0]?.value as Record<string, unknown> | undefined;
  return Object.fromEntries(
    Object.keys(first ?? {}).map((k) => {
      const values = parts.map((p) => ({ value: (p.value as Record<string, unknown>)[k], weight: p.weight }));
      return [
        k,
        typeof first?.[k] === 'number'
          ? values.reduce((sum, v) => sum + ((v.value as number) * v.weight) / total, 0)
          : weighted(values),
      ];
    }),
  ) as T;
}

export const mean = (usages: Usage[]): Usage => blend(usages.map((usage) => ({ usage, weight: 1 })));

/** Costs that do not grow with posts: the schedules and the alarms, measured or counted once. */
export interface FleetFixed {
  /** One school's evening run on a posting day (the digest function), scaled to the fleet's families. */
  digestPerSchoolDay: Compute;
  /** One SES bounce or complaint through the e-mail-events function. */
  perSesEvent: Compute;
  sweepsPerMonth: number;
  sweepGbSeconds: number;
  sweepReadUnits: number;
  alarms: number;
}

export interface CostLine {
  service: string;
  /** Dollars per average post. Undefined for lines that are per school, not per post. */
  perPost?: number;
  perSchoolMonth: number;
}

/**
 * Turns an average post's usage into dollars per post and per school-month. `measured` holds the table
 * space a post keeps and the CloudFront paths a retract invalidates; storage lines are the monthly cost of keeping one month's posts, which the
 * bill adds again every month as posts accumulate.
 */
export function costLines(
  post: Usage,
  workload: Workload,
  fixed: FleetFixed,
  measured: { dynamoBytesPerPost: number; pathsPerRetract: number },
  arch: LambdaArchitecture,
): CostLine[] {
  const postsPerSchoolMonth = workload.postsPerSchoolPerDay * workload.daysPerMonth;
  const perPost = (service: string, dollars: number): CostLine => ({
    service,
    perPost: dollars,
    perSchoolMonth: dollars * postsPerSchoolMonth,
  });
  const perSchool = (service: string, dollars: number): CostLine => ({ service, perSchoolMonth: dollars });
  const families = workload.familiesPerSchool;
  const emailsPerSchoolMonth = families * workload.emailShare * workload.daysPerMonth;
  const sesEventsPerSchoolMonth = emailsPerSchoolMonth * workload.sesEventShare;
  const logDollars = (bytes: number) => (bytes / GB) * PRICES.cloudwatch.logsPerGbIngested;
  const sweeperMonth =
    fixed.sweepsPerMonth *
    (fixed.sweepGbSeconds * PRICES.lambda.perGbSecond[arch] +
      PRICES.lambda.perMillionRequests / 1e6 +
      (fixed.sweepReadUnits * PRICES.dynamo.perMillionReadUnits) / 1e6);
  return [
    perPost('Lambda compute, publishing (GB-s)', post.lambdaGbSeconds * PRICES.lambda.perGbSecond[arch]),
    perPost('Lambda requests', (post.lambdaInvocations * PRICES.lambda.perMillionRequests) / 1e6),
    perPost('API Gateway HTTP API', (post.apiRequests * PRICES.httpApi.perMillionRequests) / 1e6),
    perPost(
      'DynamoDB writes (table + gsi1)',
      ((post.writeUnits + post.indexWriteUnits) * PRICES.dynamo.perMillionWriteUnits) / 1e6,
    ),
    perPost('DynamoDB reads', (post.readUnits * PRICES.dynamo.perMillionReadUnits) / 1e6),
    perPost(
      'S3 requests',
      (post.s3PutClass * PRICES.s3.perThousandPutClass) / 1e3 + (post.s3GetClass * PRICES.s3.perThousandGetClass) / 1e3,
    ),
    perPost('SQS requests', (post.sqsRequests * PRICES.sqs.perMillionRequests) / 1e6),
    perPost(`Delivery to ${families} families: deliver (Lambda, DynamoDB, SQS)`, computeDollars(post.delivery, arch)),
    perSchool('Evening run: digest (Lambda, DynamoDB)', computeDollars(fixed.digestPerSchoolDay, arch) * workload.daysPerMonth),
    perPost(
      `CloudFront (${families} families view each post)`,
      families *
        ((post.familyBytes / GB) * PRICES.cloudfront.perGbOut +
          (post.familyRequests * PRICES.cloudfront.perTenThousandHttpsRequests) / 1e4),
    ),
    perPost(
      `CloudFront invalidations (${workload.retractShare * 100}% of posts retracted, assumed)`,
      workload.retractShare * measured.pathsPerRetract * PRICES.cloudfront.perInvalidationPath,
    ),
    perPost('S3 storage (a month of posts, kept a month)', (post.storedBytes / GB) * PRICES.s3.perGbMonth),
    perPost(
      'DynamoDB storage + PITR (same)',
      (measured.dynamoBytesPerPost / GB) * (PRICES.dynamo.perGbMonth + PRICES.dynamo.pointInTimeRecoveryPerGbMonth),
    ),
    perSchool(
      `SES: the evening e-mail, ${workload.emailShare * 100}% of families (the rest: push)`,
      (emailsPerSchoolMonth * PRICES.ses.perThousandEmails) / 1e3,
    ),
    perSchool(
      `SES bounces + complaints (${workload.sesEventShare * 100}% of e-mails): email-events`,
      computeDollars(fixed.perSesEvent, arch) * sesEventsPerSchoolMonth,
    ),
    perSchool(
      'CloudWatch Logs (every function; 1-month retention)',
      logDollars(
        (post.logBytes + post.delivery.logBytes) * postsPerSchoolMonth +
          fixed.digestPerSchoolDay.logBytes * workload.daysPerMonth +
          fixed.perSesEvent.logBytes * sesEventsPerSchoolMonth,
      ) *
        (1 + PRICES.cloudwatch.logsPerGbMonthStored / PRICES.cloudwatch.logsPerGbIngested),
    ),
    perSchool(
      `Sweeper every 5 min + ${fixed.alarms} alarms (fleet ÷ ${workload.schools})`,
      (sweeperMonth + fixed.alarms * PRICES.cloudwatch.perAlarmMonth) / workload.schools,
    ),
  ];
}
