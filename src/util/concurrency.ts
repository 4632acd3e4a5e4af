/** Longest stretch of work between two turns of the event loop. */
const SLICE_MS = 4;

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order.
 * Stops starting new calls once `signal` is aborted. Work that reads /proc synchronously
 * only awaits microtasks, which never let a scrape in: so after every few milliseconds of
 * work it yields a full turn of the event loop.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => R | Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let sliceStart = performance.now();
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      out[i] = await fn(items[i]!, i);
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(limit, items.length)) }, worker));
  return out;
}
