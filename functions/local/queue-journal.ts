import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** A queued message as the journal keeps it: SQS's body, send time and receive count. */
export interface JournalMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
}

/** One line of the journal. Short keys: a busy queue writes thousands of them. */
type Entry =
  | { s: string; b: string; t: number; n?: number } // sent (n: receives so far, in a compacted journal)
  | { r: string } // received once more (SQS's ApproximateReceiveCount)
  | { d: string } // deleted: the consumer finished with it
  | { x: string }; // moved to the dead-letter list after maxReceiveCount receives

/** Compact once the journal holds this many lines and four times more than are still live. */
const COMPACT_AFTER_LINES = 2_000;

/**
 * The embedded default's queues on disk: an append-only file of JSON lines under the data folder, one
 * per queue. Why a journal and not LevelDB (classic-level, which dynalite already uses) or a table in
 * dynalite:
 *
 * - **Durable before it is acknowledged.** Every entry is written with a synchronous `write(2)` before
 *   `send` returns, and S3 notifications are sent from s3rver's synchronous `event`, so an upload's event is
 *   on disk before s3rver answers the PUT. LevelDB and dynalite only offer asynchronous writes, which would
 *   let the answer overtake the write.
 * - **kill -9, not power loss.** A completed `write(2)` survives the process being killed (it is in the
 *   kernel's page cache), which is the crash this runtime promises to survive. Entries are not fsync'd one
 *   by one: that cost 5–6 ms a message here (a post to 300 families would wait 2 s), and it would buy
 *   nothing, since dynalite and s3rver do not sync their writes either — a power cut can cost the embedded
 *   default its last seconds whatever the queues do. (On AWS, SQS and DynamoDB are durable.) Compaction
 *   does sync, because it replaces the file.
 * - **A torn last line** (killed mid-write) is ignored on replay: it was never acknowledged.
 *
 * On open the journal is replayed and rewritten with only the live messages (write to a temporary file,
 * fsync, rename), and again whenever it grows well past what is live, so it stays small.
 */
export class QueueJournal {
  private fd: number | undefined;
  private lines = 0;

  constructor(private readonly path: string) {}

  /** Replays the journal: the messages still queued, and those dead-lettered, each with its receive count. */
  open(): { live: JournalMessage[]; dead: JournalMessage[] } {
    mkdirSync(dirname(this.path), { recursive: true });
    const messages = new Map<string, JournalMessage & { dead?: boolean }>();
    const text = existsSync(this.path) ? readFileSync(this.path, 'utf8') : '';
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry) continue;
      if ('s' in entry) messages.set(entry.s, { messageId: entry.s, body: entry.b, sentAt: entry.t, receiveCount: entry.n ?? 0 });
      else if ('r' in entry) {
        const message = messages.get(entry.r);
        if (message) message.receiveCount++;
      } else if ('d' in entry) messages.delete(entry.d);
      else {
        const message = messages.get(entry.x);
        if (message) message.dead = true;
      }
    }
    const all = [...messages.values()];
    this.rewrite(all);
    return {
      live: all.filter((m) => !m.dead).map(({ dead: _, ...m }) => m),
      dead: all.filter((m) => m.dead).map(({ dead: _, ...m }) => m),
    };
  }

  /** Records a new message: on disk (in the kernel's hands) when this returns. */
  sent(message: JournalMessage): void {
    this.append({ s: message.messageId, b: message.body, t: message.sentAt });
  }

  received(messageId: string): void {
    this.append({ r: messageId });
  }

  deleted(messageId: string): void {
    this.append({ d: messageId });
  }

  deadLettered(messageId: string): void {
    this.append({ x: messageId });
  }

  /** Rewrites the journal with only these messages when it has grown well past them. */
  compactIfLarge(live: JournalMessage[], dead: JournalMessage[]): void {
    if (this.fd === undefined || this.lines < COMPACT_AFTER_LINES || this.lines < 4 * (live.length + dead.length)) return;
    this.rewrite([...live, ...dead.map((m) => ({ ...m, dead: true }))]);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private rewrite(messages: (JournalMessage & { dead?: boolean })[]): void {
    this.close();
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    const text = messages
      .flatMap((m) => [
        JSON.stringify({ s: m.messageId, b: m.body, t: m.sentAt, n: m.receiveCount }),
        ...(m.dead ? [JSON.stringify({ x: m.messageId })] : []),
      ])
      .map((line) => `${line}\n`)
      .join('');
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, this.path);
    // The rename itself must reach the disk, or a power cut could bring the old journal back.
    const folder = openSync(dirname(this.path), 'r');
    fsyncSync(folder);
    closeSync(folder);
    this.fd = openSync(this.path, 'a');
    this.lines = messages.length;
  }

  private append(entry: Entry): void {
    // A queue stopped while its last batch was still running: that batch's messages stay in the journal
    // as they were, and are delivered again by the next start (at-least-once).
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    this.lines++;
  }
}

function parseLine(line: string): Entry | undefined {
  if (line.trim() === '') return undefined;
  try {
    return JSON.parse(line) as Entry;
  } catch {
    return undefined; // the torn tail of a write cut short by a kill: never acknowledged
  }
}
