import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { count, instrumented } from '../aws/telemetry';
import type { Deps } from '../core/deps';
import { processIncoming } from '../core/jobs/media/worker';
import { createdObjects } from '../core/media/s3-event';
import { readRecord } from './bad-message';
import { awsDeps } from './runtime';

/** SQS records whose bodies are S3 notifications for uploads; a failed record alone is retried. */
export function mediaHandler(deps: Deps) {
  const recordHandler = async (record: SQSRecord) => {
    for (const object of readRecord('media', record, createdObjects) ?? []) {
      // A file that cannot be processed fails its post with words for the poster; operators see the count.
      if ((await processIncoming(deps, object)) === 'rejected') count('mediaFailed');
    }
  };
  return (event: SQSEvent, context: Context) =>
    instrumented(context, () => processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context }));
}

export const handler = (event: SQSEvent, context: Context) => mediaHandler(awsDeps())(event, context);
