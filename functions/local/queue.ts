import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type JournalMessage, QueueJournal } from './queue-journal';

/** A Lambda-style SQS consumer, the same function the AWS event source mapping calls. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface InProcessQueueOptions {
  /** Deliveries before a message moves to the dead-letter list (SQS maxReceiveCount). */
  maxReceiveCount?: number;
  /**
   * How long a message whose delivery failed stays invisible before it is delivered again (SQS's
   * visibility timeout, shortened for one machine); doubles per receive, up to 10 s.
   */
  retryDelayMs?: number;
  batchSize?: number;
  /**
   * The file that keeps the queue on disk (see queue-journal.ts); without it the queue lives in memory
   * only (handler tests and benchmarks that drive one hop).
   */
  journal?: string;
  /**
   * Hold deliveries until `resume()`: the runtime replays the journals but delivers only once its
   * start-up sweep has voided the leases the killed process held, or the replayed messages would find
   * their work "busy" and spend their receives on it.
   */
  paused?: boolean;
}

type Message = JournalMessage;

/** How long a stop waits for the batch being delivered. */
const STOP_GRACE_MS = 5_000;

/**
 * An SQS stand-in for the embedded default: delivers SQS-shaped batches to the same handlers the
 * Lambdas use, with SQS's semantics — at-least-once, a receive count per message, a visibility timeout
 * after a failed delivery (partial batch failures honoured), and the dead-letter list after
 * `maxReceiveCount` receives.
 *
 * With a `journal` it survives kill -9: a message is on disk before `send` returns, each receive and
 * delete is recorded, and a restart delivers again every message not deleted — at once, since no
 * consumer of the killed process can still hold it — keeping its receive count, so a message that kills
 * the process every time it is delivered still ends in the dead-letter list. One consumer delivers one
 * batch at a time; a batch still running is never delivered a second time beside it.
 *
 * Without a handler it only holds what is sent, like an SQS queue whose consumer is not deployed (tests
 * of the outbox on its own hold notifications); `held()` shows what waits there.
 */
export class InProcessQueue {
  readonly deadLetters: Message[] = [];
  private readonly ready: Message[] = [];
  /** Failed messages waiting out their visibility timeout. */
  private readonly waiting = new Set<Message>();
  private readonly journal: QueueJournal | undefined;
  private delivering = false;
  /** The batch being delivered, so a stop can wait for it rather than pull storage from under it. */
  private inFlight: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private paused: boolean;
  private idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: string,
    private readonly handler: SqsHandler | undefined,
    private readonly options: InProcessQueueOptions = {},
  ) {
    this.paused = options.paused ?? false;
    if (options.journal) {
      this.journal = new QueueJournal(options.journal);
      const { live, dead } = this.journal.open();
      this.ready.push(...live);
      this.deadLetters.push(...dead);
      if (live.length > 0) console.log(`queue ${name}: ${live.length} message(s) from before the restart, delivering again`);
      this.schedule();
    }
  }

  /** Enqueues one message body (serialised as JSON, like SendMessage); on disk when this returns. */
  send(body: unknown): void {
    if (this.stopped) throw new Error(`queue ${this.name} is stopped`);
    const message = { messageId: randomUUID(), body: JSON.stringify(body), receiveCount: 0, sentAt: Date.now() };
    this.journal?.sent(message);
    this.ready.push(message);
    this.schedule();
  }

  /** Starts delivering (see `paused`). */
  resume(): void {
    this.paused = false;
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

  /**
   * Stops delivering and waits (a few seconds at most: Ctrl-C must not wait out a video) for the batch in
   * hand to finish; messages still queued, and work cut short, stay in the journal for the next start
   * (and the sweeper re-drives anything whose message is gone).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
    this.waiting.clear();
    await Promise.race([
      this.inFlight.catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref()),
    ]);
    this.journal?.close();
    this.notifyIdle();
  }

  /** True when nothing is queued, waiting for a retry, or being delivered. */
  isIdle(): boolean {
    return this.ready.length === 0 && this.waiting.size === 0 && !this.delivering;
  }

  private notifyIdle() {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private schedule() {
    const { handler } = this;
    if (handler && !this.delivering && !this.stopped && !this.paused) setImmediate(() => void this.deliver(handler));
  }

  private async deliver(handler: SqsHandler): Promise<void> {
    if (this.delivering || this.stopped || this.paused || this.ready.length === 0) return this.notifyIdle();
    this.delivering = true;
    const batch = this.ready.splice(0, this.options.batchSize ?? 10);
    for (const message of batch) {
      message.receiveCount++;
      this.journal?.received(message.messageId);
    }
    let failedIds: Set<string>;
    try {
      const delivery = handler({ Records: batch.map((m) => this.toRecord(m)) }, lambdaContext(this.name));
      this.inFlight = delivery;
      const response = await delivery;
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      console.error(`queue ${this.name}: handler threw; the whole batch is retried`, error);
      failedIds = new Set(batch.map((m) => m.messageId));
    }
    for (const message of batch) {
      if (failedIds.has(message.messageId)) this.retry(message);
      else this.journal?.deleted(message.messageId);
    }
    this.journal?.compactIfLarge([...this.ready, ...this.waiting], this.deadLetters);
    this.delivering = false;
    if (this.ready.length > 0) this.schedule();
    else this.notifyIdle();
  }

  private retry(message: Message) {
    if (this.stopped) return;
    if (message.receiveCount >= (this.options.maxReceiveCount ?? 5)) {
      console.error(`queue ${this.name}: message ${message.messageId} dead-lettered after ${message.receiveCount} deliveries`);
      this.journal?.deadLettered(message.messageId);
      this.deadLetters.push(message);
      return;
    }
    this.waiting.add(message);
    const delay = Math.min((this.options.retryDelayMs ?? 200) * 2 ** (message.receiveCount - 1), 10_000);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.waiting.delete(message);
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
