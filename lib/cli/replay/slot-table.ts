/**
 * Replay's hash table of held tags: an open-addressing table of slot numbers keyed by repository
 * and tag, cheaper than `Map`s keyed by strings fresh from `JSON.parse`.
 *
 * @module
 */
import type { RepositoryRef } from '../../core/model/refs.ts';

/** FNV-1a over the characters of a repository name and a tag. */
function hashOf(repository: string, tag: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < repository.length; i++)
    h = Math.imul(h ^ repository.charCodeAt(i), 16_777_619);
  h = Math.imul(h ^ 0x2f, 16_777_619);
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 16_777_619);
  return h >>> 0;
}

/**
 * The slots of the tags of one account and region, by repository and tag (linear probing).
 *
 * @example
 * ```ts
 * const table = new SlotTable();
 * table.insert('web', 'v1', 0);
 * table.find('web', 'v1', slotRefs, slotTags); // 0
 * ```
 */
export class SlotTable {
  /** One ref object per repository, shared by its slots. */
  readonly refs = new Map<string, RepositoryRef>();
  #table = new Int32Array(1024).fill(-1);
  /** Hash and slot of every entry, to grow the table. */
  readonly #entries: number[] = [];

  /** The slot of `repository` and `tag`, or -1. */
  find(
    repository: string,
    tag: string,
    refs: readonly RepositoryRef[],
    tags: readonly string[],
  ): number {
    const table = this.#table;
    const mask = table.length - 1;
    for (let i = hashOf(repository, tag) & mask; ; i = (i + 1) & mask) {
      const slot = table[i] as number;
      if (slot < 0) return -1;
      if (tags[slot] === tag && (refs[slot] as RepositoryRef).repository === repository) {
        return slot;
      }
    }
  }

  insert(repository: string, tag: string, slot: number): void {
    const hash = hashOf(repository, tag);
    this.#entries.push(hash, slot);
    if (this.#entries.length > this.#table.length) {
      // Over half full: double, and place every entry again.
      this.#table = new Int32Array(this.#table.length * 2).fill(-1);
      for (let e = 0; e < this.#entries.length; e += 2) {
        this.#place(this.#entries[e] as number, this.#entries[e + 1] as number);
      }
    } else {
      this.#place(hash, slot);
    }
  }

  #place(hash: number, slot: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let i = hash & mask;
    while ((table[i] as number) >= 0) i = (i + 1) & mask;
    table[i] = slot;
  }
}
