/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order.
 * Stops starting new calls once `signal` is aborted. Every 64 items it yields to the event
 * loop, because work that reads /proc synchronously would otherwise never let scrapes in.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => R | Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      out[i] = await fn(items[i]!, i);
      if (i % 64 === 63) await new Promise((r) => setImmediate(r));
    }
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(limit, items.length)) }, worker));
  return out;
}
