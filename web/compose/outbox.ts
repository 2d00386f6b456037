/**
 * The offline queue: every post is written here, files included, *before* anything goes over the
 * network, together with the idempotency key chosen when it was composed. Sending reuses that key, so
 * a post composed with no signal, or interrupted mid-upload, is created exactly once however often
 * the phone retries (the API answers a repeated key with the same post and the uploads still missing).
 */

export interface OutboxFile {
  blob: Blob;
  name: string;
  type: string;
  alt: string;
}

export interface OutboxEntry {
  /** The idempotency key; also the entry's id. */
  key: string;
  createdAt: string;
  audience: string[];
  caption: string;
  files: OutboxFile[];
  /** `queued` waits for (or is in) a send; `refused` needs the teacher (the API said no). */
  state: 'queued' | 'refused';
  postId?: string;
  error?: string;
  attempts: number;
  /**
   * The API named pupils who must not be identifiable to this audience (their photo consent): the teacher
   * checks the files and confirms, and the post is sent again with the confirmation (audited).
   */
  needsConsent?: boolean;
  consentConfirmed?: boolean;
}

const DB_NAME = 'corridor-compose';
const OUTBOX = 'outbox';

let opening: Promise<IDBDatabase> | undefined;

function db(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(OUTBOX, { keyPath: 'key' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

async function run<T>(store: string, mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const tx = (await db()).transaction(store, mode);
  const request = work(tx.objectStore(store));
  return new Promise<T>((resolve, reject) => {
    // Resolve on commit, not on the request's success: a write is durable only then.
    tx.oncomplete = () => resolve(request.result as T);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const outbox = {
  put: (entry: OutboxEntry) => run<void>(OUTBOX, 'readwrite', (s) => s.put(entry)),
  get: (key: string) => run<OutboxEntry | undefined>(OUTBOX, 'readonly', (s) => s.get(key)),
  all: async () =>
    (await run<OutboxEntry[]>(OUTBOX, 'readonly', (s) => s.getAll())).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  remove: (key: string) => run<void>(OUTBOX, 'readwrite', (s) => s.delete(key)),
};

/** A URL-safe random idempotency key (the API accepts 8–128 of `[A-Za-z0-9_-]`). */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
