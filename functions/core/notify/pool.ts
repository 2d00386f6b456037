/** Runs `work` over `items`, at most `limit` at once (messages in flight, hiding push-service and SES latency). */
export async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Messages in flight at once per worker: enough to hide push-service and SES latency. */
export const SEND_CONCURRENCY = 32;
