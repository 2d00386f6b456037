import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** A Lambda-style SQS consumer, the same function the AWS event source mapping calls. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface InProcessQueueOptions {
  /** Deliveries before a message moves to the dead-letter list (SQS maxReceiveCount). */
  maxReceiveCount?: number;
  /** First retry delay; doubles per attempt (SQS visibility timeout, shortened for one machine). */
  retryDelayMs?: number;
  batchSize?: number;
}

interface Message {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

/**
 * An SQS stand-in for the embedded default: delivers SQS-shaped batches to the same handlers the
 * Lambdas use, honours partial batch failures, retries with backoff and dead-letters poison messages.
 * It is at-least-once like SQS; it keeps nothing on disk, because durability comes from DynamoDB state
 * and the sweeper, exactly as on AWS.
 *
 * Without a handler it only holds what is sent, like an SQS queue whose consumer is not deployed yet
 * (notifications, until delivery to parents exists); `held()` shows what waits there.
 */
export class InProcessQueue {
  readonly deadLetters: Message[] = [];
  private readonly ready: Message[] = [];
  private waiting = 0;
  private delivering = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: string,
    private readonly handler: SqsHandler | undefined,
    private readonly options: InProcessQueueOptions = {},
  ) {}

  /** Enqueues one message body (serialised as JSON, like SendMessage). */
  send(body: unknown): void {
    if (this.stopped) throw new Error(`queue ${this.name} is stopped`);
    this.ready.push({ messageId: randomUUID(), body: JSON.stringify(body), receiveCount: 0, sentAt: Date.now() });
    this.schedule();
  }

  /** The bodies of the messages waiting in the queue, oldest first (parsed back from JSON). */
  held(): unknown[] {
    return this.ready.map((message) => JSON.parse(message.body));
  }

  /** Resolves once nothing is queued, waiting for a retry, or being delivered. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering; messages still queued are dropped (the sweeper re-drives their work). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
    this.waiting = 0;
    this.notifyIdle();
  }

  /** True when nothing is queued, waiting for a retry, or being delivered. */
  isIdle(): boolean {
    return this.ready.length === 0 && this.waiting === 0 && !this.delivering;
  }

  private notifyIdle() {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private schedule() {
    const { handler } = this;
    if (handler && !this.delivering && !this.stopped) setImmediate(() => void this.deliver(handler));
  }

  private async deliver(handler: SqsHandler): Promise<void> {
    if (this.delivering || this.stopped || this.ready.length === 0) return this.notifyIdle();
    this.delivering = true;
    const batch = this.ready.splice(0, this.options.batchSize ?? 10);
    for (const message of batch) message.receiveCount++;
    let failedIds: Set<string>;
    try {
      const response = await handler({ Records: batch.map((m) => this.toRecord(m)) }, lambdaContext(this.name));
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      console.error(`queue ${this.name}: handler threw; the whole batch is retried`, error);
      failedIds = new Set(batch.map((m) => m.messageId));
    }
    for (const message of batch.filter((m) => failedIds.has(m.messageId))) this.retry(message);
    this.delivering = false;
    if (this.ready.length > 0) this.schedule();
    else this.notifyIdle();
  }

  private retry(message: Message) {
    if (this.stopped) return;
    if (message.receiveCount >= (this.options.maxReceiveCount ?? 5)) {
      console.error(`queue ${this.name}: message ${message.messageId} dead-lettered after ${message.receiveCount} deliveries`);
      this.deadLetters.push(message);
      return;
    }
    this.waiting++;
    const delay = Math.min((this.options.retryDelayMs ?? 200) * 2 ** (message.receiveCount - 1), 10_000);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.waiting--;
      this.ready.push(message);
      this.schedule();
    }, delay);
    this.timers.add(timer);
  }

  private toRecord(message: Message): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'corridor-local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.name}`,
      awsRegion: 'local',
    };
  }
}

/** Enough of a Lambda context for Powertools and the handlers. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
