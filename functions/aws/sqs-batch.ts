import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SendMessageBatch's limit: at most 10 messages a request. */
export const SQS_BATCH_MAX = 10;

/** Sends up to 10 bodies in one request; returns, per body, undefined when sent or the error that refused it. */
export type BatchSend = (bodies: string[]) => Promise<(Error | undefined)[]>;

/**
 * Sends one message at a time to the caller, ten at a time to SQS: every send started in the same turn of
 * the event loop is gathered and sent in SendMessageBatch requests of up to 10. The outbox starts a batch
 * of families' notifications at once (core/notify/outbox.ts), so the 300 messages of a post cost 30
 * requests instead of 300 (docs/scale.md). Each caller's promise settles with its own message's outcome:
 * a message SQS refused (its `Failed` entry) rejects that caller only, as a refused SendMessage would.
 */
export function gatheringSender(send: BatchSend): (body: string) => Promise<void> {
  let waiting: { body: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  const flush = () => {
    const gathered = waiting;
    waiting = [];
    for (let start = 0; start < gathered.length; start += SQS_BATCH_MAX) {
      const batch = gathered.slice(start, start + SQS_BATCH_MAX);
      send(batch.map((entry) => entry.body)).then(
        (outcomes) =>
          batch.forEach((entry, i) => {
            const error = outcomes[i];
            if (error) entry.reject(error);
            else entry.resolve();
          }),
        (error: Error) => {
          for (const entry of batch) entry.reject(error);
        },
      );
    }
  };
  return (body) =>
    new Promise<void>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ body, resolve, reject });
    });
}

/** `BatchSend` over the SQS client: one SendMessageBatch request, its `Failed` entries turned into errors. */
export function sqsBatchSend(sqs: SQSClient, queueUrl: string): BatchSend {
  return async (bodies) => {
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
      }),
    );
    const refused = new Map(Failed.map((f) => [f.Id, f]));
    return bodies.map((_, i) => {
      const failure = refused.get(String(i));
      return failure
        ? new Error(`SQS refused the message (${failure.Code}): ${failure.Message ?? 'no reason given'}`)
        : undefined;
    });
  };
}
