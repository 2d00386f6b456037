import type { SQSRecord } from 'aws-lambda';
import { type QueueName, queues } from '../aws/queues';
import { logger } from '../aws/telemetry';

/**
 * Reads a record's body as its queue's consumer expects, and treats one it cannot read as the queue
 * registry says (aws/queues.ts `badMessage`), so every consumer decides it in one place: `dropped` logs it
 * and answers undefined (the record counts as handled and is deleted); `dead-lettered` throws, so the
 * record alone fails, is retried and ends in the dead-letter queue for a person to look at.
 */
export function readRecord<T>(queue: QueueName, record: SQSRecord, parse: (body: unknown) => T): T | undefined {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    return refuse(queue, record, 'is not JSON', error);
  }
  try {
    return parse(body);
  } catch (error) {
    return refuse(queue, record, 'is malformed', error);
  }
}

function refuse(queue: QueueName, record: SQSRecord, what: string, error: unknown): undefined {
  if (queues[queue].badMessage === 'dead-lettered') throw error;
  // Not ours to retry: it would fail the same way every time (and, thrown, fail the whole batch).
  logger.error(`dropping a ${queue} message that ${what}`, { messageId: record.messageId, error: String(error) });
  return undefined;
}
