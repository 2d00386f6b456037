import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { count, instrumented, withKeys } from '../aws/telemetry';
import type { Deps } from '../core/deps';
import { jobSchema } from '../core/job';
import { runJob } from '../core/jobs/fanout';
import { readRecord } from './bad-message';
import { awsDeps } from './runtime';

/**
 * SQS records carrying fan-out jobs; a failed record alone is retried (then dead-lettered). Records run
 * one after another, not in parallel (Powertools' default): jobs in one batch often touch the same post
 * or school feed (a sweeper re-drive beside the original job), and in parallel the second would find the
 * first's task claimed, fail with TaskBusy and wait out the visibility timeout for a no-op retry.
 */
export function fanoutHandler(deps: Deps) {
  const recordHandler = async (record: SQSRecord) => {
    const job = readRecord('fanout', record, (body) => jobSchema.parse(body));
    if (!job) return;
    // Records run one at a time (above), so the post id on the log lines is this record's.
    const run = await withKeys({ postId: job.postId }, () => runJob(deps, job));
    if (run.wentLive) count('postsPublished');
  };
  return (event: SQSEvent, context: Context) =>
    instrumented(context, () =>
      processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context, processInParallel: false }),
    );
}

export const handler = (event: SQSEvent, context: Context) => fanoutHandler(awsDeps())(event, context);
