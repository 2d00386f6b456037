import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Deps } from '../core/deps';
import { deliverNotifications } from '../core/notify/deliver';
import { type Notification, notificationSchema } from '../core/notify/notification';
import { awsDeps } from './runtime';

/**
 * SQS records carrying the outbox's notifications. The whole batch is delivered together (families read
 * in one request, ledger records written in batches); a notification that failed alone is retried.
 */
export function deliverHandler(deps: Deps) {
  return async (event: SQSEvent, _context?: Context): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const parsed: { messageId: string; notification: Notification }[] = [];
    for (const record of event.Records) {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        // Not ours to retry: it would fail the same way every time (and, thrown, fail the whole batch).
        console.error(`dropping a notification that is not JSON ${record.messageId}`);
        continue;
      }
      const notification = notificationSchema.safeParse(body);
      if (notification.success) parsed.push({ messageId: record.messageId, notification: notification.data });
      else console.error(`dropping a malformed notification ${record.messageId}`, notification.error.issues);
    }
    const failed = new Set(
      await deliverNotifications(
        deps,
        parsed.map((p) => p.notification),
      ),
    );
    for (const { messageId, notification } of parsed) if (failed.has(notification)) failures.push({ itemIdentifier: messageId });
    return { batchItemFailures: failures };
  };
}

export const handler = (event: SQSEvent, context: Context) => deliverHandler(awsDeps())(event, context);
