import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { count, instrumented } from '../aws/telemetry';
import type { Deps } from '../core/deps';
import { type Notification, notificationSchema } from '../core/notification';
import { deliverNotifications } from '../core/notify/deliver';
import { readRecord } from './bad-message';
import { awsDeps } from './runtime';

/**
 * SQS records carrying the outbox's notifications. The whole batch is delivered together (families read
 * in one request, ledger records written in batches); a notification that failed alone is retried.
 */
export function deliverHandler(deps: Deps) {
  return (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => instrumented(context, () => deliverBatch(event));

  async function deliverBatch(event: SQSEvent): Promise<SQSBatchResponse> {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const parsed: { messageId: string; notification: Notification }[] = [];
    for (const record of event.Records) {
      // A notification that cannot be read is dropped (the queue registry's choice): see bad-message.ts.
      const notification = readRecord('notifications', record, (body) => notificationSchema.parse(body));
      if (notification) parsed.push({ messageId: record.messageId, notification });
    }
    const failed = new Set(
      await deliverNotifications(
        deps,
        parsed.map((p) => p.notification),
      ),
    );
    for (const { messageId, notification } of parsed) if (failed.has(notification)) failures.push({ itemIdentifier: messageId });
    count('deliveriesSent', parsed.length - failures.length);
    count('deliveriesFailed', failures.length);
    return { batchItemFailures: failures };
  }
}

export const handler = (event: SQSEvent, context: Context) => deliverHandler(awsDeps())(event, context);
