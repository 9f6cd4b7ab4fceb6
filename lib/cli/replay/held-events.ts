/**
 * What replay holds for the time sort (docs/cli.md: compact normalized events, never raw input),
 * and its time order.
 *
 * @module
 */
import type { DomainEvent, EventOrigin } from '../../core/intake/types.ts';
import type { RepositoryRef } from '../../core/model/refs.ts';
import { canonicalTimeMs } from '../../core/model/time.ts';
import { SlotTable } from './slot-table.ts';
import type { TaggedPushSink } from './take-push.ts';

/** A growable column of numbers. */
function grow<T extends Float64Array | Int32Array>(column: T, size: number): T {
  if (size <= column.length) return column;
  const bigger = new (column.constructor as new (length: number) => T)(
    Math.max(size, column.length * 2),
  );
  bigger.set(column);
  return bigger;
}

/** Where a push came from and who made it; shared by the pushes that have them in common. */
interface PushSource {
  readonly origin: EventOrigin;
  readonly actor: string | null;
}

/** What {@link HeldEvents} exports for another thread (see `export` and `append`). */
export interface HeldExport {
  readonly count: number;
  readonly time: Float64Array;
  /** Slot and digest id of each event, side by side. */
  readonly pair: Int32Array;
  readonly source: Int32Array;
  readonly digests: readonly string[];
  readonly eventIds: string;
  readonly others: readonly (readonly [number, DomainEvent])[];
  readonly slotRefs: readonly RepositoryRef[];
  readonly slotTags: readonly string[];
  readonly sources: readonly PushSource[];
}

const IMAGE_ACTION: PushSource = { origin: 'image-action', actor: null };

/**
 * The events held for the time sort (docs/cli.md: compact normalized events, never raw input). A push
 * of a tag — nearly every event of a long replay — is held as its time (epoch milliseconds), the
 * slot of its repository and tag, its digest and its event id; repository, tag and source are
 * shared by all pushes that have them in common, and a digest by consecutive pushes of the same
 * tag. Every other event is held as itself. Canonical times have millisecond precision, so the
 * number orders them exactly as the string does, and turns back into the same string.
 *
 * @example
 * ```ts
 * const held = new HeldEvents();
 * for (const event of events) held.add(event);
 * for (const i of Array.from(held.order())) apply(held.event(i));
 * ```
 */
export class HeldEvents implements TaggedPushSink {
  count = 0;
  #time = new Float64Array(1024);
  /**
   * Per event, two numbers side by side (read together when events are applied): the slot of the
   * tag of a push, or -1 for an event held in `#others`; and its digest as an index into
   * `#digests`, or -1.
   */
  #pair = new Int32Array(2048);
  #source = new Int32Array(1024);
  readonly #digests: string[] = [];
  readonly #eventId: (string | null)[] = [];
  readonly #others = new Map<number, DomainEvent>();
  /** Per slot: the repository, the tag and the digest (id) of the last push held. */
  readonly slotRef: RepositoryRef[] = [];
  readonly slotTag: string[] = [];
  readonly #slotDigest: number[] = [];
  readonly #sources: PushSource[] = [IMAGE_ACTION];
  readonly #sourceIds = new Map<string, number>();

  /** Holds an event as the intake gave it. */
  add(event: DomainEvent): void {
    if (event.type === 'push' && event.tag !== null) {
      this.#holdPush(event, event.tag, event.digest, canonicalTimeMs(event.time), event.eventId);
      this.#source[this.count - 1] = this.#sourceOf(event);
      return;
    }
    const i = this.#next();
    this.#time[i] = canonicalTimeMs(event.time);
    this.#eventId.push(event.eventId);
    this.#pair[2 * i] = -1;
    this.#pair[2 * i + 1] = -1;
    this.#others.set(i, event);
  }

  /** Holds an ECR Image Action push of a tag taken straight from the input (TaggedPushSink). */
  push(
    account: string,
    region: string,
    repository: string,
    tag: string,
    digest: string,
    timeMs: number,
    eventId: string | null,
  ): void {
    this.#holdPush({ account, region, repository }, tag, digest, timeMs, eventId);
    this.#source[this.count - 1] = 0;
  }

  #next(): number {
    const i = this.count++;
    if (i >= this.#time.length) {
      this.#time = grow(this.#time, i + 1);
      this.#pair = grow(this.#pair, 2 * i + 2);
      this.#source = grow(this.#source, i + 1);
    }
    return i;
  }

  #holdPush(
    ref: RepositoryRef,
    tag: string,
    digest: string,
    timeMs: number,
    eventId: string | null,
  ): void {
    const i = this.#next();
    this.#time[i] = timeMs;
    this.#eventId.push(eventId);
    const slot = this.#slotOf(ref, tag);
    this.#pair[2 * i] = slot;
    // Consecutive pushes of a tag mostly carry the same digest: hold one copy of it.
    const last = this.#slotDigest[slot] as number;
    if (last >= 0 && this.#digests[last] === digest) {
      this.#pair[2 * i + 1] = last;
    } else {
      const id = this.#digests.length;
      this.#digests.push(digest);
      this.#slotDigest[slot] = id;
      this.#pair[2 * i + 1] = id;
    }
  }

  /**
   * Slots by repository and tag, in an open-addressing table of slot numbers, per account and
   * region (`#scopes`; the last one used is kept at hand). Hashing the two strings here costs a
   * fraction of two `Map` lookups keyed by strings fresh from `JSON.parse`, whose hashes V8 has
   * yet to compute.
   */
  readonly #scopes = new Map<string, Map<string, SlotTable>>();
  #lastAccount = '';
  #lastRegion = '';
  #lastScope: SlotTable | undefined;

  #scopeOf(account: string, region: string): SlotTable {
    const last = this.#lastScope;
    if (last !== undefined && account === this.#lastAccount && region === this.#lastRegion) {
      return last;
    }
    let regions = this.#scopes.get(account);
    if (regions === undefined) {
      regions = new Map();
      this.#scopes.set(account, regions);
    }
    let scope = regions.get(region);
    if (scope === undefined) {
      scope = new SlotTable();
      regions.set(region, scope);
    }
    this.#lastAccount = account;
    this.#lastRegion = region;
    this.#lastScope = scope;
    return scope;
  }

  #slotOf({ account, region, repository }: RepositoryRef, tag: string): number {
    const scope = this.#scopeOf(account, region);
    const found = scope.find(repository, tag, this.slotRef, this.slotTag);
    if (found >= 0) return found;
    let ref = scope.refs.get(repository);
    if (ref === undefined) {
      ref = { account, region, repository };
      scope.refs.set(repository, ref);
    }
    const slot = this.slotTag.length;
    this.slotRef.push(ref);
    this.slotTag.push(tag);
    this.#slotDigest.push(-1);
    scope.insert(repository, tag, slot);
    return slot;
  }

  #sourceOf({ origin, actor }: PushSource): number {
    if (origin === 'image-action' && actor === null) return 0;
    const key = `${origin} ${actor ?? ''}`;
    let id = this.#sourceIds.get(key);
    if (id === undefined) {
      id = this.#sources.length;
      this.#sources.push({ origin, actor });
      this.#sourceIds.set(key, id);
    }
    return id;
  }

  /**
   * Everything held, as data that crosses to another thread cheaply: numbers in typed arrays
   * (their buffers listed in `transfer`), each distinct string once, event ids as one string.
   */
  export(): { held: HeldExport; transfer: ArrayBuffer[] } {
    const n = this.count;
    const held: HeldExport = {
      count: n,
      time: this.#time.slice(0, n),
      pair: this.#pair.slice(0, 2 * n),
      source: this.#source.slice(0, n),
      digests: this.#digests,
      // Valid event ids are non-empty and printable: '' stands for none, '\n' separates.
      eventIds: this.#eventId.map((id) => id ?? '').join('\n'),
      others: [...this.#others],
      slotRefs: this.slotRef,
      slotTags: this.slotTag,
      sources: this.#sources,
    };
    return {
      held,
      transfer: [held.time, held.pair, held.source].map((c) => c.buffer as ArrayBuffer),
    };
  }

  /** Appends what another HeldEvents exported, after everything held here (input order). */
  append(x: HeldExport): void {
    const slots = x.slotRefs.map((ref, s) => this.#slotOf(ref, x.slotTags[s] as string));
    const sources = x.sources.map((source) => this.#sourceOf(source));
    const base = this.#digests.length;
    for (const digest of x.digests) this.#digests.push(digest);
    const ids = x.count > 0 ? x.eventIds.split('\n') : [];
    const others = new Map(x.others);
    for (let i = 0; i < x.count; i++) {
      const j = this.#next();
      this.#time[j] = x.time[i] as number;
      const id = ids[i] as string;
      this.#eventId.push(id === '' ? null : id);
      const slot = x.pair[2 * i] as number;
      if (slot < 0) {
        this.#pair[2 * j] = -1;
        this.#pair[2 * j + 1] = -1;
        this.#others.set(j, others.get(i) as DomainEvent);
      } else {
        this.#pair[2 * j] = slots[slot] as number;
        this.#pair[2 * j + 1] = base + (x.pair[2 * i + 1] as number);
        this.#source[j] = sources[x.source[i] as number] as number;
      }
    }
  }

  /**
   * Indices of the events in time order, input order breaking ties (docs/ledger.md). When times and
   * indices fit together in a double's 53 bits, both are packed into one number and sorted
   * natively; otherwise by a comparison.
   */
  order(): ArrayLike<number> {
    const n = this.count;
    const time = this.#time;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const t = time[i] as number;
      if (t < min) min = t;
      if (t > max) max = t;
    }
    const slots = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
    if (n > 0 && (max - min + 1) * slots <= Number.MAX_SAFE_INTEGER) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = ((time[i] as number) - min) * slots + i;
      keys.sort();
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % slots;
      return order;
    }
    const order = Array.from({ length: n }, (_, i) => i);
    return order.sort((a, b) => (time[a] as number) - (time[b] as number) || a - b);
  }

  /** Slot of event `i` when it is a push of a tag, else -1. */
  slot(i: number): number {
    return this.#pair[2 * i] as number;
  }

  /** Event time of event `i`, epoch ms. */
  timeMs(i: number): number {
    return this.#time[i] as number;
  }

  /** Digest of the push `i`. */
  digest(i: number): string {
    return this.#digests[this.#pair[2 * i + 1] as number] as string;
  }

  eventId(i: number): string | null {
    return this.#eventId[i] ?? null;
  }

  /** Event `i` as the intake gave it. */
  event(i: number): DomainEvent {
    const slot = this.#pair[2 * i] as number;
    if (slot < 0) return this.#others.get(i) as DomainEvent;
    const { account, region, repository } = this.slotRef[slot] as RepositoryRef;
    const { origin, actor } = this.#sources[this.#source[i] as number] as PushSource;
    return {
      type: 'push',
      account,
      region,
      time: new Date(this.#time[i] as number).toISOString(),
      eventId: this.eventId(i),
      actor,
      origin,
      repository,
      tag: this.slotTag[slot] as string,
      digest: this.digest(i),
    };
  }
}
