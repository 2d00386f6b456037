import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

/**
 * Structured logs and the figures operators watch, with AWS Lambda Powertools (the stack already sets
 * POWERTOOLS_SERVICE_NAME, _METRICS_NAMESPACE and _LOG_LEVEL per function: infra/lambda.ts).
 *
 * The logger writes one JSON object per line: level, message, service, timestamp, the Lambda context (request
 * id, function, cold start) once `instrumented` added it, and the keys of the work in hand — `postId` and
 * `schoolId` where a handler knows them (`withKeys`). CloudWatch Logs Insights queries them as fields.
 *
 * The metrics are CloudWatch Embedded Metric Format lines in the same log stream (no API call, no extra
 * permission): CloudWatch turns them into metrics in the `Corridor` namespace. Dead-letter depth needs none:
 * the stack alarms on each dead-letter queue's own SQS metric (infra/queues.ts).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'corridor' });

/** The figures, by name in CloudWatch. */
export const figures = {
  postsPublished: 'PostsPublished',
  mediaFailed: 'MediaFailed',
  deliveriesSent: 'DeliveriesSent',
  deliveriesFailed: 'DeliveriesFailed',
} as const;
export type Figure = keyof typeof figures;

let metrics: Metrics | undefined;
// Made on first use, so the embedded default can turn it off first (POWERTOOLS_METRICS_DISABLED, read once
// by the constructor): EMF lines mean nothing without CloudWatch.
const metricsNow = () => {
  metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Corridor' });
  return metrics;
};

/** Adds to one of the figures of this invocation (published when it ends). */
export function count(figure: Figure, value = 1): void {
  if (value > 0) metricsNow().addMetric(figures[figure], MetricUnit.Count, value);
}

/**
 * Runs one Lambda invocation: its context on every log line, and its figures published at the end, also
 * when it failed (a failed delivery is exactly the figure to keep).
 */
export async function instrumented<T>(context: Context | undefined, work: () => Promise<T>): Promise<T> {
  if (context && oneInvocationAtATime()) logger.addContext(context);
  try {
    return await work();
  } finally {
    const current = metricsNow();
    if (current.hasStoredMetrics()) current.publishStoredMetrics();
  }
}

/**
 * The logger is one per process, so the context and keys it carries are true only where one invocation
 * runs at a time: on Lambda (which sets AWS_LAMBDA_FUNCTION_NAME). The embedded default runs every queue's
 * handler in one process at once, where they would name whichever invocation started last; there the
 * lines carry only the ids core puts on them itself.
 */
const oneInvocationAtATime = () => process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

/** Keys added during a `withKeys` run (`addKeys`): removed with the run's own when it ends. */
const learnt = new Set<string>();

/** Runs `work` with `keys` (a post id, a school id) on every line logged meanwhile. */
export async function withKeys<T>(keys: { postId?: string; schoolId?: string }, work: () => Promise<T>): Promise<T> {
  if (!oneInvocationAtATime()) return work();
  const names = Object.keys(keys);
  logger.appendKeys(keys);
  try {
    return await work();
  } finally {
    logger.removeKeys([...names, ...learnt]);
    learnt.clear();
  }
}

/**
 * Adds an id learnt during the work to every later line of the surrounding `withKeys` run: a fan-out job
 * carries only its post's id, and the job names the post's school once it has read the post.
 */
export function addKeys(keys: { schoolId?: string }): void {
  if (!oneInvocationAtATime()) return;
  for (const name of Object.keys(keys)) learnt.add(name);
  logger.appendKeys(keys);
}
