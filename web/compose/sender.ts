import { type Api, ApiError, NetworkError } from './api';
import { type OutboxEntry, outbox } from './outbox';
import { sendFile } from './uploads/index';
import { UploadRefused } from './uploads/strategy';

/** What the sender tells the page, keyed by the entry's idempotency key. */
export type SendEvent =
  | { type: 'start'; key: string }
  | { type: 'created'; key: string; postId: string }
  | { type: 'progress'; key: string; file: number; sent: number; total: number }
  | { type: 'sent'; key: string; postId: string }
  | { type: 'waiting'; key: string; message: string }
  | { type: 'refused'; key: string; message: string; needsConsent?: boolean };

/** A post with photos has its faces reviewed in the composer (activity.ts) before it is sent. */
export const hasPhotos = (entry: OutboxEntry) => entry.files.some((f) => f.type.startsWith('image/'));

/** After this many failed tries of one entry (storage refusing, server errors) the teacher decides. */
export const MAX_ATTEMPTS = 6;
const RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

/**
 * Sends the outbox, oldest first, one post and one file at a time (a school's Wi-Fi is shared).
 * Several tabs may call flush at once: a Web Lock lets one of them send, and the idempotency key makes
 * even an overlap harmless (the API answers with the same post and only the files still missing).
 */
export class Sender {
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor(
    private readonly api: () => Api | undefined,
    private readonly emit: (event: SendEvent) => void,
  ) {}

  /** Sends whatever is queued; resolves when this round is over (sent, or waiting for the network). */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.retryTimer);
    const round = async () => {
      do {
        this.again = false;
        await withLock(() => this.sendAll());
      } while (this.again);
    };
    this.running = round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sendAll(): Promise<void> {
    const api = this.api();
    if (!api) return;
    for (const entry of await outbox.all()) {
      if (entry.state !== 'queued') continue;
      if (!navigator.onLine) {
        this.emit({ type: 'waiting', key: entry.key, message: 'No signal — it will be sent when you are back online.' });
        continue;
      }
      const outcome = await this.send(api, entry);
      if (outcome === 'retry') {
        this.scheduleRetry();
        return;
      }
    }
    this.failures = 0;
  }

  private scheduleRetry(): void {
    const delay = RETRY_DELAYS_MS[Math.min(this.failures++, RETRY_DELAYS_MS.length - 1)];
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.flush(), delay);
  }

  private async send(api: Api, entry: OutboxEntry): Promise<'sent' | 'retry' | 'refused'> {
    const { key } = entry;
    this.emit({ type: 'start', key });
    try {
      const { post, uploads } = await api.createPost({
        idempotencyKey: key,
        audience: entry.audience,
        caption: entry.caption,
        media: entry.files.map((f) => ({ contentType: f.type, bytes: f.blob.size, alt: f.alt })),
        // Photos go up as a draft: the teacher sees their faces outlined and chooses before it goes out.
        ...(hasPhotos(entry) ? { draft: true, reviewFaces: true } : {}),
        consentConfirmed: entry.consentConfirmed,
      });
      if (entry.postId !== post.id) await outbox.put({ ...entry, postId: post.id });
      this.emit({ type: 'created', key, postId: post.id });
      const pending = new Set(uploads.map((u) => u.mediaId));
      // Files the server already holds (an earlier, interrupted try) count as sent.
      post.media.forEach((m, i) => {
        const size = entry.files[i]?.blob.size ?? 0;
        if (!pending.has(m.id)) this.emit({ type: 'progress', key, file: i, sent: size, total: size });
      });
      for (const instruction of uploads) {
        const index = post.media.findIndex((m) => m.id === instruction.mediaId);
        const file = entry.files[index];
        if (!file) throw new Error('The server asked for a file this post does not have.');
        await sendFile({
          api,
          postId: post.id,
          instruction,
          file: file.blob,
          onProgress: (sentBytes, total) => this.emit({ type: 'progress', key, file: index, sent: sentBytes, total }),
        });
      }
      await outbox.remove(key);
      this.emit({ type: 'sent', key, postId: post.id });
      return 'sent';
    } catch (error) {
      return this.failed(entry, error);
    }
  }

  private async failed(entry: OutboxEntry, error: unknown): Promise<'retry' | 'refused'> {
    const { key } = entry;
    const attempts = entry.attempts + 1;
    const permanent =
      error instanceof ApiError && error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status);
    if (permanent || attempts >= MAX_ATTEMPTS) {
      const message = error instanceof Error ? error.message : String(error);
      const needsConsent = error instanceof ApiError && error.code === 'consent_required';
      await outbox.put({ ...entry, attempts, state: 'refused', error: message, needsConsent });
      this.emit({ type: 'refused', key, message, needsConsent });
      return 'refused';
    }
    // Network drops never count against the entry: a phone can be offline for a day.
    if (!(error instanceof NetworkError)) await outbox.put({ ...entry, attempts });
    const message =
      error instanceof NetworkError
        ? 'The connection dropped — it will be sent when the signal is back.'
        : error instanceof ApiError && error.status === 401
          ? 'Sign in again to send this post.'
          : error instanceof UploadRefused
            ? 'Storage did not take the file — trying again.'
            : 'Corridor did not answer — trying again shortly.';
    this.emit({ type: 'waiting', key, message });
    return 'retry';
  }
}

async function withLock(work: () => Promise<void>): Promise<void> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks) await locks.request('corridor-outbox', work);
  else await work();
}
