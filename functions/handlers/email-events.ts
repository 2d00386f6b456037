import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Deps } from '../core/deps';
import { applySesEvent } from '../core/notify/email-events';
import { readRecord } from './bad-message';
import { awsDeps } from './runtime';

/** SQS records carrying SES bounce and complaint events (SNS raw delivery) → suppressed addresses. */
export function emailEventsHandler(deps: Deps) {
  const recordHandler = async (record: SQSRecord) => {
    const sesEvent = readRecord('emailEvents', record, (body) => body);
    if (sesEvent !== undefined) await applySesEvent(deps, sesEvent);
  };
  return (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context });
}

export const handler = (event: SQSEvent, context: Context) => emailEventsHandler(awsDeps())(event, context);
