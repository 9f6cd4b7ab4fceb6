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
import { resolveRepository, resolveTemplate } from '../policy/resolve.ts';
import type { Policy } from '../policy/types.ts';
import { compareConfigs, configKey } from '../semantics/compare.ts';
import { isTagImmutable } from '../semantics/match.ts';
import { type ConfigRecord, type DriftRecord, RECENT_DIGESTS, type TagRecord } from './records.ts';

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

/** `sha256:0123456789ab` — enough of a digest for a person to recognise it. */
function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(0, colon + 13);
}

function withRecent(recent: readonly string[], digest: string): string[] {
  return [digest, ...recent.filter((d) => d !== digest)].slice(0, RECENT_DIGESTS);
}

/** Event time and id of an observation that changes the ledger. */
export interface Change {
  readonly time: string;
  readonly eventId: string | null;
}

/**
 * True when a late push may be an old duplicate whose digest the record no longer remembers:
 * the recent digests are full (older ones were dropped) and the push is older than the version
 * before the stored one. Such a push is ignored rather than reported as a move it may not be.
 * While nothing was dropped, an unknown digest is certainly a version not seen yet.
 */
export function predatesPrevious(prev: TagRecord, time: string): boolean {
  return prev.recent.length >= RECENT_DIGESTS && prev.prevTime !== null && time <= prev.prevTime;
}

/**
 * The ledger transition of a push (docs/ledger.md): the record to store, or null to leave the stored
 * one. A push older than the stored record never moves the tag back; at most it adds its
 * digest to the tag's recent digests (a late push of content not seen yet).
 */
export function pushTransition(
  prev: TagRecord | undefined,
  digest: string,
  change: Change,
): TagRecord | null {
  if (prev && change.time < prev.time) {
    if (
      prev.digest === digest ||
      prev.recent.includes(digest) ||
      predatesPrevious(prev, change.time)
    ) {
      return null;
    }
    return { ...prev, recent: withRecent(prev.recent, digest) };
  }
  if (prev && !prev.deleted && prev.digest === digest) return null;
  const moved = prev !== undefined && prev.digest !== digest;
  return {
    digest,
    deleted: false,
    time: change.time,
    recent: prev ? withRecent(prev.recent, prev.digest) : [],
    eventId: change.eventId,
    movedFrom: moved ? prev.digest : null,
    viaDelete: moved && prev.deleted,
    prevTime: prev ? prev.time : null,
  };
}

/**
 * The finding of a push, judged from the record the ledger held before it, with its delivery
 * decision. None for a first push or the same digest (duplicate deliveries, ECR and CloudTrail
 * reporting the same push); an overwrite otherwise (`fresh` from an event, `recurring` from a
 * scan). A redelivery of the very event that moved the tag yields the same finding again (same
 * id, `redelivered`), so that an alert that failed can still be delivered; consumers
 * de-duplicate by id. A push older than the record reveals the move from its digest to the
 * stored one, reported as in-order processing would have reported it (`late`: its copies race).
 */
export function pushFinding(
  policy: Policy,
  ref: RepositoryRef,
  prev: TagRecord | undefined,
  tag: string,
  digest: string,
  at: Provenance & Change,
): Found | null {
  if (!prev) return null;
  if (at.time < prev.time) {
    if (
      prev.deleted ||
      prev.digest === digest ||
      prev.recent.includes(digest) ||
      predatesPrevious(prev, at.time)
    ) {
      return null;
    }
    const late = { time: prev.time, eventId: prev.eventId, actor: null, detectedBy: at.detectedBy };
    return found(overwriteFinding(policy, ref, tag, digest, prev.digest, false, late), 'late');
  }
  if (prev.digest === digest && !prev.deleted) {
    const isSameEvent = at.eventId !== null && prev.eventId === at.eventId;
    return isSameEvent ? lastMoveFinding(policy, ref, tag, prev, at) : null;
  }
  if (prev.digest === digest) return null;
  return found(
    overwriteFinding(policy, ref, tag, prev.digest, digest, prev.deleted, at),
    written(at),
  );
}

/**
 * The overwrite finding of the move a tag record holds (its last change, if that moved the tag),
 * `redelivered` (possibly alerted already): for a redelivered event, and for a scan that finds
 * the move an earlier, interrupted scan made.
 */
export function lastMoveFinding(
  policy: Policy,
  ref: RepositoryRef,
  tag: string,
  record: TagRecord,
  at: Provenance,
): Found | null {
  if (record.deleted || record.movedFrom === null) return null;
  const move = { ...at, time: record.time };
  return found(
    overwriteFinding(policy, ref, tag, record.movedFrom, record.digest, record.viaDelete, move),
    'redelivered',
  );
}

function overwriteFinding(
  policy: Policy,
  ref: RepositoryRef,
  tag: string,
  previousDigest: string,
  digest: string,
  viaDelete: boolean,
  at: Provenance,
): Finding | null {
  const expectation = resolveRepository(policy, ref.repository);
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
 * A delete of a tag (docs/ledger.md): the record becomes a tombstone that keeps the digest, so that a
 * later push of other content under the same tag is seen as an overwrite. A delete older than
 * the stored record is ignored.
 */
export function deleteTransition(
  prev: TagRecord | undefined,
  digest: string | null,
  change: Change,
): TagRecord | null {
  if (prev && change.time < prev.time) return null;
  const deletedDigest = digest ?? prev?.digest;
  if (deletedDigest === undefined) return null;
  if (prev?.deleted && prev.digest === deletedDigest) return null;
  const recent =
    prev && prev.digest !== deletedDigest
      ? withRecent(prev.recent, prev.digest)
      : (prev?.recent ?? []);
  return {
    digest: deletedDigest,
    deleted: true,
    time: change.time,
    recent,
    eventId: change.eventId,
    movedFrom: null,
    viaDelete: false,
    prevTime: prev ? prev.time : null,
  };
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
  const expectation = resolveRepository(policy, ref.repository);
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
      ? resolveRepository(policy, target.ref.repository)
      : resolveTemplate(policy, target.ref.templatePrefix);
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
