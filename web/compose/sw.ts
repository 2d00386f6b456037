/**
 * The composer's service worker: the app shell is precached at install, so the composer opens with no
 * signal (a teacher can write a post in a corridor with none; the outbox sends it later). It touches
 * only GET requests for the composer's own files: API calls, uploads and media always go to the network.
 */

/** Filled in by the build: the shell's URLs, and a version that changes whenever one of them does. */
declare const __PRECACHE__: string[];
declare const __VERSION__: string;

// The DOM lib has no service-worker types and the WebWorker lib cannot be loaded beside it: the few
// members used here, declared locally.
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  readonly location: Location;
  readonly registration: { readonly scope: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const worker = self as unknown as WorkerScope;
const CACHE = `corridor-compose-${__VERSION__}`;
const SHELL = new URL('./', worker.registration.scope).pathname;

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(__PRECACHE__))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith('corridor-compose-') && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== worker.location.origin || !url.pathname.startsWith(SHELL)) return;
  if (request.mode === 'navigate') {
    // The page: fresh when online (a deploy shows at once), the cached shell when not.
    event.respondWith(fetch(request).catch(async () => (await caches.match(SHELL, { cacheName: CACHE })) ?? Response.error()));
    return;
  }
  // Everything else under the scope has a content-hashed or versioned name: cache first.
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});
