import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessQueue, type SqsHandler } from '../../functions/local/queue';

/**
 * The embedded default's queues keep SQS's promises across restarts: a queue object that is dropped
 * without `stop()` is what a kill -9 leaves behind (its journal as written so far), and a new queue on the
 * same journal is the restarted process. The kill of the real server is in crash-kill9.test.ts.
 */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corridor-queue-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A consumer that records what it was given and fails the bodies it is told to. */
function consumer(fail: (body: unknown) => boolean = () => false) {
  const seen: { body: unknown; receiveCount: number }[] = [];
  const handler: SqsHandler = async (event: SQSEvent) => {
    const failures = [];
    for (const record of event.Records) {
      const body = JSON.parse(record.body);
      seen.push({ body, receiveCount: Number(record.attributes.ApproximateReceiveCount) });
      if (fail(body)) failures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures: failures };
  };
  return { seen, handler };
}

describe('a queue with a journal', () => {
  it('delivers after a restart what was sent before it, and not what was already deleted', async () => {
    const journal = join(dir, 'q.jsonl');
    const before = new InProcessQueue('q', undefined, { journal });
    before.send({ n: 1 });
    before.send({ n: 2 });
    expect(before.held()).toEqual([{ n: 1 }, { n: 2 }]);
    // "kill -9": the object is dropped, nothing is flushed or stopped.

    const first = consumer();
    const after = new InProcessQueue('q', first.handler, { journal });
    await after.idle();
    expect(first.seen.map((s) => s.body)).toEqual([{ n: 1 }, { n: 2 }]);

    const second = consumer();
    const again = new InProcessQueue('q', second.handler, { journal });
    await again.idle();
    expect(second.seen).toEqual([]);
    await again.stop();
  });

  it('keeps receive counts across restarts and dead-letters after maxReceiveCount, for good', async () => {
    const journal = join(dir, 'q.jsonl');
    const options = { journal, maxReceiveCount: 3, retryDelayMs: 1 };
    const poison = consumer((body) => (body as { n: number }).n === 2);
    const queue = new InProcessQueue('q', poison.handler, options);
    queue.send({ n: 1 });
    queue.send({ n: 2 });
    await queue.idle();
    expect(poison.seen.filter((s) => (s.body as { n: number }).n === 2).map((s) => s.receiveCount)).toEqual([1, 2, 3]);
    expect(queue.deadLetters.map((m) => JSON.parse(m.body))).toEqual([{ n: 2 }]);

    const reopened = consumer();
    const restarted = new InProcessQueue('q', reopened.handler, options);
    await restarted.idle();
    expect(reopened.seen).toEqual([]); // the dead letter is not delivered again…
    expect(restarted.deadLetters.map((m) => JSON.parse(m.body))).toEqual([{ n: 2 }]); // …and is still there
    await restarted.stop();
  });

  it('counts a receive whose consumer was killed, like SQS counts a receive never deleted', async () => {
    const journal = join(dir, 'q.jsonl');
    let release: () => void = () => undefined;
    const hanging: SqsHandler = () =>
      new Promise((resolve) => {
        release = () => resolve(undefined);
      });
    const killed = new InProcessQueue('q', hanging, { journal });
    killed.send({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20)); // delivered, never answered: the process dies

    const next = consumer();
    const restarted = new InProcessQueue('q', next.handler, { journal });
    await restarted.idle();
    expect(next.seen).toEqual([{ body: { n: 1 }, receiveCount: 2 }]);
    release();
    await restarted.stop();
  });

  it('ignores a line torn by a kill in the middle of a write (it was never acknowledged)', async () => {
    const journal = join(dir, 'q.jsonl');
    const queue = new InProcessQueue('q', undefined, { journal });
    queue.send({ n: 1 });
    await appendFile(journal, '{"s":"torn","b":"{\\"n\\":');
    const next = consumer();
    const restarted = new InProcessQueue('q', next.handler, { journal });
    await restarted.idle();
    expect(next.seen.map((s) => s.body)).toEqual([{ n: 1 }]);
    await restarted.stop();
  });

  it('stays small: a restart rewrites the journal with only what is live', async () => {
    const journal = join(dir, 'q.jsonl');
    const { handler } = consumer();
    const queue = new InProcessQueue('q', handler, { journal });
    for (let n = 0; n < 500; n++) queue.send({ n });
    await queue.idle();
    await queue.stop();
    const reopened = new InProcessQueue('q', undefined, { journal });
    expect(reopened.held()).toEqual([]);
    expect(await readFile(journal, 'utf8')).toBe('');
    await reopened.stop();
  });
});
