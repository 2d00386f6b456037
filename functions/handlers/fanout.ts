import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { runJob } from '../core/channels/fanout';
import type { Deps } from '../core/deps';
import { jobSchema } from '../core/jobs/job';
import { awsDeps } from './runtime';

/** SQS records carrying fan-out jobs; a failed record alone is retried (then dead-lettered). */
export function fanoutHandler(deps: Deps) {
  const recordHandler = (record: SQSRecord) => runJob(deps, jobSchema.parse(JSON.parse(record.body)));
  return (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context });
}

export const handler = (event: SQSEvent, context: Context) => fanoutHandler(awsDeps())(event, context);
