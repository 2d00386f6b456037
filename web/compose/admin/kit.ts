/**
 * What every admin screen shares: the screen frame (back link, heading that takes focus), errors in
 * words, the saved copy that reading screens show with no signal, file downloads, and two-tap buttons
 * for what cannot be undone.
 */
import { type Child, h, replace } from '../../shared/dom';
import { type Api, ApiError, NetworkError, type SchoolInfo } from '../api';
import { formatDate } from '../ui';

export interface AdminContext {
  api: Api;
  school?: SchoolInfo;
  /** The signed-in admin (their address for a session): they cannot remove themself or change their own role. */
  me?: string;
  announce(text: string): void;
  /** Approvals changed (approved, sent back): the tab's badge counts again. */
  onApprovalsChanged(): void | Promise<void>;
}

/** Draws a screen into `main`: a way back to the admin menu, the heading, and returns the body to fill. */
export function screen(main: HTMLElement, title: string, intro?: string): HTMLElement {
  const heading = h('h1', { tabindex: -1 }, title);
  const body = h('div', { class: 'admin-body' });
  replace(
    main,
    h('p', { class: 'back' }, h('a', { href: '#admin' }, '‹ Admin')),
    heading,
    intro && h('p', { class: 'hint' }, intro),
    body,
  );
  heading.focus();
  return body;
}

/** An error as a sentence for the person holding the phone. */
export function problem(error: unknown, doing = 'That'): string {
  if (error instanceof NetworkError) return `${doing} needs a connection, and there is none. Try again when you have signal.`;
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your session has ended. Sign in again from “My posts”.';
    if (error.status === 403) return error.message;
    if (error.status === 404 && error.code === 'not_found' && error.message.startsWith('No API route'))
      return `${doing} is not available on this Corridor yet. Ask whoever runs it to update.`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A paragraph that reads out what happened (success or problem). */
export function statusLine(): HTMLParagraphElement & { ok(text: string): void; fail(text: string): void } {
  const el = h('p', { class: 'status-line', role: 'status' }) as HTMLParagraphElement & {
    ok(text: string): void;
    fail(text: string): void;
  };
  el.ok = (text) => {
    el.className = 'status-line done';
    el.textContent = text;
  };
  el.fail = (text) => {
    el.className = 'status-line problem';
    el.textContent = text;
  };
  return el;
}

const COPY_PREFIX = 'corridor.admin.';

/** What a reading screen shows: fresh data, or the copy saved the last time there was signal. */
export interface Read<T> {
  data: T;
  /** When the shown copy was saved: set only when it is not fresh. */
  savedAt?: string;
}

/**
 * Loads a reading screen's data and keeps a copy on this phone; with no signal, the copy is shown
 * (marked as such). Other failures are not hidden behind an old copy.
 */
export async function readWithCopy<T>(key: string, load: () => Promise<T>): Promise<Read<T>> {
  try {
    const data = await load();
    try {
      localStorage.setItem(COPY_PREFIX + key, JSON.stringify({ savedAt: new Date().toISOString(), data }));
    } catch {
      // A full storage only costs the offline copy.
    }
    return { data };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const saved = localStorage.getItem(COPY_PREFIX + key);
    if (!saved) throw error;
    return JSON.parse(saved) as Read<T>;
  }
}

/** The note above a saved copy. */
export const savedNote = (read: Read<unknown>): Child =>
  read.savedAt &&
  h(
    'p',
    { class: 'offline-note', role: 'status' },
    `No connection: this is the copy saved on this phone at ${formatDate(read.savedAt)}. Changes need a connection.`,
  );

/** Fills `body` from a read, or says in words why it could not. */
export async function show<T>(
  body: HTMLElement,
  key: string,
  load: () => Promise<T>,
  render: (data: T, read: Read<T>) => Child,
  what: string,
): Promise<void> {
  replace(body, h('p', { class: 'hint', role: 'status' }, 'Loading…'));
  try {
    const read = await readWithCopy(key, load);
    replace(body, savedNote(read), render(read.data, read));
  } catch (error) {
    replace(body, h('p', { class: 'error', role: 'alert' }, problem(error, `Showing ${what}`)));
  }
}

/** Hands a downloaded file to the browser (saved to Files / Downloads). */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A button for something that cannot be undone: the first tap says exactly what will happen, the second
 * does it (no blocking confirm() dialog, which phones show out of context).
 */
export function twoTap(label: string, armedLabel: string, action: () => Promise<void>, className = 'secondary danger') {
  const button = h('button', { type: 'button', class: className }, label);
  let armed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = armedLabel;
      timer = setTimeout(() => {
        armed = false;
        button.textContent = label;
      }, 6000);
      return;
    }
    clearTimeout(timer);
    armed = false;
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
  return button;
}

/** "1 pupil", "3 pupils". */
export const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Names joined as people write them: "A", "A and B", "A, B and C". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
