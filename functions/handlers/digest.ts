import type { Context, ScheduledEvent } from 'aws-lambda';
import { count, instrumented, logger } from '../aws/telemetry';
import type { Deps } from '../core/deps';
import { sendDueDeliveries } from '../core/notify/due';
import { awsDeps } from './runtime';

/**
 * EventBridge Scheduler (hourly, on the hour) → send every due evening digest, and whatever quiet hours
 * held back. The event's `time` is the scheduled time: a retry or a late start still sends what was due
 * then. Safe to run twice; returns the counts for the logs.
 */
export const digestHandler = (deps: Deps) => async (event?: Pick<ScheduledEvent, 'time'>) => {
  const now = deps.now();
  const scheduled = event?.time ? new Date(event.time) : now;
  const report = await sendDueDeliveries(deps, scheduled > now ? scheduled : now);
  logger.info('due deliveries sent', { ...report });
  count('deliveriesSent', report.sent);
  count('deliveriesFailed', report.failed);
  return report;
};

export const handler = (event: ScheduledEvent, context: Context) => instrumented(context, () => digestHandler(awsDeps())(event));
