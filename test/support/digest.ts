/**
 * An image digest made from a small number, so that tests read `digest(1)`, `digest(2)` and a
 * finding's digests can be told apart at a glance.
 *
 * @example
 * ```ts
 * digest(1); // 'sha256:0000…0001' (64 hex digits)
 * ```
 */
export function digest(n: number): string {
  return `sha256:${n.toString(16).padStart(64, '0')}`;
}
