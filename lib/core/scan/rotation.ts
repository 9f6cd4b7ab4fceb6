/**
 * The order in which a scan takes the repositories when it may run out of time: by name, starting
 * after the repository where the previous run stopped and wrapping around, so that consecutive
 * runs share the registry fairly — each covers what the last one left before repeating the start
 * (docs/ledger.md#the-scans-time-budget).
 *
 * @module
 */

/**
 * `items` sorted by `nameOf` (code-unit order, not ECR's listing order, which it does not
 * document), starting with the first whose name sorts after `after` and wrapping around. A name
 * `after` that no longer exists (the repository was deleted) starts at the next one; `null` or
 * `undefined` starts at the first.
 *
 * @example
 * ```ts
 * rotateAfter(['gamma', 'alpha', 'delta', 'beta'], (name) => name, 'beta');
 * // → ['delta', 'gamma', 'alpha', 'beta']
 * ```
 */
export function rotateAfter<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  after: string | null | undefined,
): T[] {
  const sorted = [...items].sort((a, b) => compareNames(nameOf(a), nameOf(b)));
  if (after === null || after === undefined) return sorted;
  const start = sorted.findIndex((item) => compareNames(nameOf(item), after) > 0);
  if (start <= 0) return sorted;
  return [...sorted.slice(start), ...sorted.slice(0, start)];
}

/** Code-unit order: the same in every locale and on every runtime. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
