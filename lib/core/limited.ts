/**
 * Bounded concurrency without a dependency.
 *
 * @module
 */

/**
 * Runs `work` over `items` with at most `limit` calls in flight; rejects with the first failure
 * (the calls already started still run to their end).
 *
 * @example
 * ```ts
 * await forEachLimited(repositories, 4, (repository) => scanOne(repository));
 * ```
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
