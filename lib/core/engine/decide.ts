/**
 * The auditor's decisions as pure functions: given what the ledger held and one observation,
 * the new record and the finding, if any. The in-memory store (CLI) and the DynamoDB store
 * (Lambda) both call these, so that every path judges alike.
 *
 * @module
 */
import { describeConfig, type MutabilityConfig } from '../model/config.ts';
import type { Delivery, Found } from '../model/delivery.ts';
import {
  type DetectedBy,
  driftSeverity,
  type Finding,
  findingId,
  makeFinding,
} from '../model/findings.ts';
import type { RepositoryRef, TemplateRef } from '../model/refs.ts';
import { DRIFT_REMINDER_MS, reminderOf } from '../model/reminder.ts';
import { canonicalTimeMs } from '../model/time.ts';
import { resolveRepository, resolveTemplate } from '../policy/resolve.ts';
import type { Policy } from '../policy/types.ts';
import { compareConfigs, configKey } from '../semantics/compare.ts';
import { isTagImmutable } from '../semantics/match.ts';
import type { ConfigRecord, DriftRecord, TagMove, TagRecord } from './records.ts';
import {
  type NewMove,
  observeTag,
  recordedMoves,
  recordMoves,
  type TagObservation,
} from './tag-history.ts';

/** Who did it and when, as far as the source tells. */
export interface Provenance {
  /** Event or scan time; null for a starting snapshot, which precedes every event. */
  readonly time: string | null;
  readonly eventId: string | null;
  readonly actor: string | null;
  readonly detectedBy: DetectedBy;
}

/**
 * A decision: the record to store (null: leave the stored one as it is) and the finding, if any,
 * with its delivery decision.
 */
export interface Decision<R> {
  readonly next: R | null;
  readonly found: Found | null;
}

const NOTHING: Decision<never> = { next: null, found: null };

/** `finding` with the delivery decision `delivery`; null stays null. */
function found(finding: Finding | null, delivery: Delivery): Found | null {
  return finding ? { finding, delivery } : null;
}

/**
 * The delivery decision of a finding produced by a ledger write that applied: `fresh` for an
 * event, which exactly one invocation applies; `recurring` for a scan or a snapshot, which report
 * what they see again on every run.
 */
function written(at: Provenance): Delivery {
  return at.detectedBy === 'event' ? 'fresh' : 'recurring';
}

/**
 * `sha256:0123456789ab` — enough of a digest for a person to recognise it (messages, the HTML
 * report).
 *
 * @example
 * ```ts
 * shortDigest(`sha256:${'ab'.repeat(32)}`); // 'sha256:abababababab'
 * ```
 */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(0, colon + 13);
}

/** Event time and id of an observation that changes the ledger. */
export interface Change {
  readonly time: string;
  readonly eventId: string | null;
}

/** A tag decision: the record to store (null: leave it) and the findings, each with its delivery. */
export interface TagDecision {
  readonly next: TagRecord | null;
  readonly found: readonly Found[];
}

/**
 * Judges one observation of a tag (docs/ledger.md#tag-history): the record it leads to and the
 * overwrites it reveals — each version superseded by a later one is reported once, whatever the
 * order the pushes and deletes arrive in (`fresh` from an event, `recurring` from a scan). A
 * redelivery of an event that recorded moves yields their findings again (same ids,
 * `redelivered`), so that an alert that failed can still be delivered.
 *
 * @example
 * ```ts
 * const { next, found } = decideTag(policy, ref, 'v1', prev, { kind: 'push', digest, ...change }, at);
 * ```
 */
export function decideTag(
  policy: Policy,
  ref: RepositoryRef,
  tag: string,
  prev: TagRecord | undefined,
  observation: TagObservation,
  at: Provenance,
): TagDecision {
  const observed = observeTag(prev, observation);
  const base = observed ?? prev;
  if (!base) return { next: null, found: [] };
  const { record, moves } = recordMoves(base, at.eventId);
  if (observed === null && moves.length === 0) {
    if (at.eventId === null) return { next: null, found: [] };
    const again = recordedMoves(base).filter(({ move }) => move.by === at.eventId);
    return { next: null, found: movesFound(policy, ref, tag, again, at, 'redelivered') };
  }
  return { next: record, found: movesFound(policy, ref, tag, moves, at, written(at)) };
}

/**
 * The moves a scan recorded at or after `fromMs` (epoch ms), reported again (`redelivered`): an
 * earlier run may have failed after its write and lost the alert; the alert log drops copies.
 *
 * @example
 * ```ts
 * for (const f of recheckedMoves(policy, ref, tag, record, at, Date.now() - WEEK)) report(f);
 * ```
 */
export function recheckedMoves(
  policy: Policy,
  ref: RepositoryRef,
  tag: string,
  record: TagRecord,
  at: Provenance,
  fromMs: number,
): Found[] {
  const again = recordedMoves(record).filter(
    ({ move }) => move.by === null && canonicalTimeMs(move.time) >= fromMs,
  );
  return movesFound(policy, ref, tag, again, at, 'redelivered');
}

function movesFound(
  policy: Policy,
  ref: RepositoryRef,
  tag: string,
  moves: readonly NewMove[],
  at: Provenance,
  delivery: Delivery,
): Found[] {
  const out: Found[] = [];
  for (const { from, move } of moves) {
    const provenance: Provenance = {
      time: move.time,
      eventId: move.eventId,
      // The actor of this observation did the move only when it is the move's own report.
      actor: move.eventId === at.eventId && move.time === at.time ? at.actor : null,
      detectedBy: at.detectedBy,
    };
    const f = found(overwriteFinding(policy, ref, tag, from, move, provenance), delivery);
    if (f) out.push(f);
  }
  return out;
}

function overwriteFinding(
  policy: Policy,
  ref: RepositoryRef,
  tag: string,
  previousDigest: string,
  { to: digest, viaDelete, since }: TagMove,
  at: Provenance,
): Finding | null {
  const expectation = resolveRepository(policy, ref);
  if (expectation.ignored) return null;
  const expected = expectation.config;
  const violation = isTagImmutable(expected, tag);
  const kind = violation ? 'TAG_OVERWRITE_VIOLATION' : 'TAG_OVERWRITE_ALLOWED';
  const how = viaDelete ? ' (deleted and pushed again)' : '';
  const verdict = violation
    ? `the policy makes it immutable (${describeConfig(expected)})`
    : 'the policy allows it';
  return makeFinding({
    id: findingId(kind, [
      ref.account,
      ref.region,
      ref.repository,
      tag,
      previousDigest,
      digest,
      at.time,
      since,
    ]),
    kind,
    severity: violation ? 'HIGH' : 'INFO',
    ...ref,
    tag,
    previousDigest,
    digest,
    viaDelete,
    expected,
    actor: at.actor,
    eventId: at.eventId,
    eventTime: at.time,
    detectedBy: at.detectedBy,
    message: `Tag ${tag} in ${ref.repository} moved from ${shortDigest(previousDigest)} to ${shortDigest(digest)}${how}; ${verdict}.`,
  });
}

/**
 * ECR refused to move an immutable tag (`ImageTagAlreadyExistsException`, docs/findings.md): LOW, or
 * MEDIUM when the policy wants that tag mutable (the repository is stricter than intended).
 * Always `recurring`: the refusal moves no ledger entry that could tell its copies apart.
 */
export function blockedFinding(
  policy: Policy,
  ref: RepositoryRef,
  tag: string,
  digest: string | null,
  at: Provenance,
): Found | null {
  const expectation = resolveRepository(policy, ref);
  if (expectation.ignored) return null;
  const expected = expectation.config;
  const shouldBeMutable = !isTagImmutable(expected, tag);
  const finding = makeFinding({
    id: findingId('OVERWRITE_BLOCKED', [
      ref.account,
      ref.region,
      ref.repository,
      tag,
      at.eventId ?? at.time,
    ]),
    kind: 'OVERWRITE_BLOCKED',
    severity: shouldBeMutable ? 'MEDIUM' : 'LOW',
    ...ref,
    tag,
    digest,
    expected,
    actor: at.actor,
    eventId: at.eventId,
    eventTime: at.time,
    detectedBy: at.detectedBy,
    message: shouldBeMutable
      ? `ECR refused to overwrite tag ${tag} in ${ref.repository}, but the policy says it should be mutable (${describeConfig(expected)}).`
      : `ECR refused to overwrite immutable tag ${tag} in ${ref.repository}, as the policy intends.`,
  });
  return { finding, delivery: 'recurring' };
}

/** What a configuration change is judged against: a repository or a creation template. */
export type ConfigTarget =
  | { readonly kind: 'repository'; readonly ref: RepositoryRef }
  | { readonly kind: 'template'; readonly ref: TemplateRef };

/**
 * A repository's or template's actual configuration became known (an event, a snapshot, a
 * scan). Compares it with the policy exactly (docs/semantics.md) and opens, continues or closes a drift
 * episode. Events report drift when it starts or changes (`fresh`; `redelivered` for the same
 * event again); snapshots and scans report the drift they see every time, with the same id while
 * the episode lasts (`recurring`).
 */
export function decideConfig(
  policy: Policy,
  target: ConfigTarget,
  prev: ConfigRecord,
  actual: MutabilityConfig,
  knownTags: Iterable<string>,
  at: Provenance,
): Decision<ConfigRecord> {
  if (at.eventId !== null && prev.eventId === at.eventId)
    return { next: null, found: found(prev.finding, 'redelivered') };
  if (prev.configTime !== null && at.time !== null && at.time < prev.configTime) return NOTHING;
  const judged = judgeConfig(policy, target, prev.drift, actual, knownTags, at);
  const next: ConfigRecord = {
    config: actual,
    configTime: at.time ?? prev.configTime,
    drift: judged.drift,
    eventId: at.eventId,
    finding: judged.finding,
  };
  return { next, found: found(judged.finding, written(at)) };
}

/**
 * A repository or template delete at `change.time` (docs/ledger.md#repository-and-template-deletes):
 * a configuration reported before it is forgotten, and the record keeps the delete's time, so that
 * late reports about the deleted one are ignored as older; one reported at or after it belongs to
 * the one created again, and stays.
 *
 * @example
 * ```ts
 * await ledger.updateConfig(target, (prev) => forgetConfigBefore(prev, change));
 * ```
 */
export function forgetConfigBefore(prev: ConfigRecord, change: Change): Decision<ConfigRecord> {
  if (prev.configTime !== null && prev.configTime >= change.time) return NOTHING;
  return {
    next: {
      config: null,
      configTime: change.time,
      drift: null,
      eventId: change.eventId,
      finding: null,
    },
    found: null,
  };
}

function judgeConfig(
  policy: Policy,
  target: ConfigTarget,
  drift: DriftRecord | null,
  actual: MutabilityConfig,
  knownTags: Iterable<string>,
  at: Provenance,
): { drift: DriftRecord | null; finding: Finding | null } {
  const expectation =
    target.kind === 'repository'
      ? resolveRepository(policy, target.ref)
      : resolveTemplate(policy, target.ref);
  if (expectation.ignored) return { drift: null, finding: null };
  const expected = expectation.config;
  const { direction, witnesses } = compareConfigs(expected, actual, { knownTags });
  const name =
    target.kind === 'repository'
      ? `Repository ${target.ref.repository}`
      : `Creation template ${target.ref.templatePrefix}`;
  const where = {
    account: target.ref.account,
    region: target.ref.region,
    repository: target.kind === 'repository' ? target.ref.repository : null,
    templatePrefix: target.kind === 'template' ? target.ref.templatePrefix : null,
  };
  const subject = where.repository ?? `template:${where.templatePrefix}`;
  const provenance = {
    actor: at.actor,
    eventId: at.eventId,
    eventTime: at.time,
    detectedBy: at.detectedBy,
  };

  if (direction === 'EQUAL') {
    if (!drift || target.kind === 'template') return { drift: null, finding: null };
    return {
      drift: null,
      finding: makeFinding({
        id: findingId('CONFIG_DRIFT_RESOLVED', [
          where.account,
          where.region,
          subject,
          drift.actualKey,
          drift.since,
        ]),
        kind: 'CONFIG_DRIFT_RESOLVED',
        severity: 'INFO',
        ...where,
        expected,
        actual,
        direction,
        ...provenance,
        message: `${name} matches the policy again (${describeConfig(actual)}).`,
      }),
    };
  }

  const actualKey = configKey(actual);
  const expectedKey = configKey(expected);
  const same = drift !== null && drift.actualKey === actualKey && drift.expectedKey === expectedKey;
  const next: DriftRecord = {
    actualKey,
    expectedKey,
    since: drift ? drift.since : at.time,
    changes: drift === null ? 0 : same ? drift.changes : drift.changes + 1,
  };
  if (same && at.detectedBy === 'event') return { drift: next, finding: null };
  const kind = target.kind === 'repository' ? 'CONFIG_DRIFT' : 'TEMPLATE_DRIFT';
  // A drift lasting past the reminder period is a new finding (a reminder), never the same id
  // again: the alert log forgets an id after that period. Hashed only from the first reminder
  // on, so that the ids of a drift's first 30 days stay what they were.
  const reminder = reminderOf(next.since, at.time);
  return {
    drift: next,
    finding: makeFinding({
      id: findingId(kind, [
        where.account,
        where.region,
        subject,
        expectedKey,
        actualKey,
        next.since,
        String(next.changes),
        ...(reminder > 0 ? [`reminder ${reminder}`] : []),
      ]),
      kind,
      severity: driftSeverity(direction),
      ...where,
      expected,
      actual,
      direction,
      witnesses,
      ...provenance,
      message: `${name} is ${direction.toLowerCase()}: ${describeConfig(actual)} instead of ${describeConfig(expected)}${witnessText(direction, witnesses)}.${reminderText(reminder, next.since)}`,
    }),
  };
}

/** The reminder's sentence: how long the drift has lasted, in whole reminder periods. */
function reminderText(reminder: number, since: string | null): string {
  if (reminder === 0) return '';
  const days = Math.round((reminder * DRIFT_REMINDER_MS) / 86_400_000);
  return ` Still drifted after ${days} days (since ${since}).`;
}

function witnessText(direction: string, witnesses: readonly string[]): string {
  if (witnesses.length === 0) return '';
  const list = witnesses.join(', ');
  if (direction === 'LOOSENED') return `; now mutable: ${list}`;
  if (direction === 'TIGHTENED') return `; now immutable: ${list}`;
  return `; mutability differs for: ${list}`;
}
