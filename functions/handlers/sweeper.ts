import type { Context, ScheduledEvent } from 'aws-lambda';
import { instrumented, logger } from '../aws/telemetry';
import type { Deps } from '../core/deps';
import { sweep } from '../core/jobs/sweeper';
import { awsDeps } from './runtime';

/** EventBridge Scheduler → re-drive anything stuck. Returns the counts for the logs. */
export const sweeperHandler = (deps: Deps) => async (_event?: ScheduledEvent) => {
  const report = await sweep(deps);
  logger.info('sweep finished', { ...report });
  return report;
};

export const handler = (event: ScheduledEvent, context: Context) => instrumented(context, () => sweeperHandler(awsDeps())(event));
