/**
 * The compliance scan: every repository and creation template of a registry compared with the
 * policy, and every tag reconciled with the ledger — a tag whose digest differs from the
 * ledger's was overwritten without an event reaching us (`detectedBy: scan`); unseen tags seed
 * the ledger; tags gone from ECR are tombstoned. One repository failing never stops the rest,
 * and neither do the creation templates. With a deadline, the scan starts no repository after it
 * and says where the next run continues (docs/ledger.md#the-scans-time-budget).
 *
 * @module
 */
import type { Auditor } from '../engine/auditor.ts';
import type { Provenance } from '../engine/decide.ts';
import { forEachLimited } from '../limited.ts';
import type { Found } from '../model/delivery.ts';
import type { RepositoryRef } from '../model/refs.ts';
import { resolveRepository } from '../policy/resolve.ts';
import type { Policy } from '../policy/types.ts';
import { normalizeRepositoryConfig } from '../semantics/validate.ts';
import type { RuntimeLog, RuntimeMetrics } from '../telemetry.ts';
import type { Registry, RegistryRepository } from './registry.ts';
import { rotateAfter } from './rotation.ts';

/** The `repository` of the failure reported when the creation templates cannot be read. */
export const TEMPLATES_FAILURE = 'repository creation templates';

/**
 * How far back a scan looks again at moves that earlier scans recorded, to deliver alerts an
 * interrupted run may have lost. Shorter than the alert log's retention, so nothing is re-sent.
 */
const SCAN_RECHECK_MS = 7 * 24 * 3600 * 1000;

/** The side effects of a scan. */
export interface ScanDeps {
  readonly registry: Registry;
  readonly policy: Policy;
  readonly auditor: Auditor;
  /** The account scanned; undefined: the `registryId` ECR reports. */
  readonly account?: string;
  /** The region scanned (the ECR client's). */
  readonly region: string;
  /** Repositories scanned at once. */
  readonly concurrency?: number;
  /** The clock (the core reads none of its own). */
  readonly now: () => Date;
  /**
   * When to stop starting repositories, by {@link ScanDeps.now}; the repositories already started
   * finish. The first repository of a run is started whatever the time, so that every run moves
   * the rotation on. Undefined: no deadline.
   */
  readonly deadline?: Date;
  /**
   * Where the previous run stopped (its report's {@link ScanReport.resumeAfter}): the
   * repositories are taken by name from the one after it, wrapping around. Undefined or null:
   * from the first.
   */
  readonly resumeAfter?: string | null;
  readonly log: RuntimeLog;
  readonly metrics: RuntimeMetrics;
  /** Called after each repository, for a progress indicator. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Whether moves that earlier scans recorded within {@link SCAN_RECHECK_MS} are reported again
   * (`redelivered`), so that an alert an interrupted run lost is still sent; the alert log drops
   * the copies. True by default (the Lambda scan). The CLI has no alert log and passes false, so
   * that a run reports only what moved since the state it loaded.
   */
  readonly recheckRecordedMoves?: boolean;
}

/** A repository the scan could not finish. */
export interface ScanFailure {
  readonly repository: string;
  readonly error: string;
}

/** What a scan found. */
export interface ScanReport {
  readonly account: string;
  readonly region: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly repositories: number;
  /**
   * The repositories this run reached (scanned, ignored or failed): all of them, unless the
   * deadline stopped it first.
   */
  readonly covered: number;
  /**
   * Where the next run continues — after this repository, the last one reached — when the run did
   * not reach them all; null when it did.
   */
  readonly resumeAfter: string | null;
  readonly ignored: number;
  readonly templates: number;
  readonly tags: number;
  /** What the scan found, each with its delivery decision (for alert delivery). */
  readonly findings: readonly Found[];
  readonly failures: readonly ScanFailure[];
}

/**
 * Scans the registry; see the module comment.
 *
 * @example
 * ```ts
 * const report = await runScan({ registry, policy, auditor, region: 'eu-west-1', now: () => new Date(),
 *   deadline: new Date(Date.now() + 600_000), resumeAfter: previous.resumeAfter, ...SILENT });
 * if (report.resumeAfter !== null) store(report.resumeAfter); // the rest next run
 * ```
 */
export async function runScan(deps: ScanDeps): Promise<ScanReport> {
  const now = deps.now;
  const startedAt = now().toISOString();
  const recheckFrom =
    deps.recheckRecordedMoves === false
      ? Number.POSITIVE_INFINITY
      : Date.parse(startedAt) - SCAN_RECHECK_MS;
  const at: Provenance & { time: string } = {
    time: startedAt,
    eventId: null,
    actor: null,
    detectedBy: 'scan',
  };
  const findings: Found[] = [];
  const failures: ScanFailure[] = [];
  let tagCount = 0;
  let ignored = 0;

  let account = deps.account;
  let templates = 0;
  // Reported ahead of the repositories' findings and failures, as when they were read first.
  const templateFindings: Found[] = [];
  const templateFailures: ScanFailure[] = [];
  // Read while the repositories are listed and scanned, not before: an account-region's scan no
  // longer waits a round trip (or a throttled page's retries) before its first ListImages.
  // Templates failing (throttled beyond retries, access denied) never stops the repositories.
  const templatesRead = (async () => {
    try {
      for await (const page of deps.registry.templatePages()) {
        account ??= page.registryId;
        for (const template of page.templates) {
          if (!template.prefix) continue;
          templates++;
          const config = normalizeRepositoryConfig(template);
          if (typeof config === 'string') {
            templateFailures.push({ repository: `template:${template.prefix}`, error: config });
            continue;
          }
          const ref = {
            account: account ?? 'unknown',
            region: deps.region,
            templatePrefix: template.prefix,
          };
          templateFindings.push(
            ...(await deps.auditor.observeConfig({ kind: 'template', ref }, config, at)),
          );
        }
      }
    } catch (error) {
      templateFailures.push({ repository: TEMPLATES_FAILURE, error: (error as Error).message });
      deps.log.error('Scan of the creation templates failed', {
        error: (error as Error).message,
      });
    }
  })();

  let listed: readonly RegistryRepository[];
  try {
    listed = await deps.registry.listRepositories();
  } catch (error) {
    // The scan fails (the registry cannot be listed), but not before the templates are done:
    // nothing of it runs on once the caller has its answer.
    await templatesRead;
    throw error;
  }
  // By name from where the last run stopped, so that runs cut short share the registry fairly.
  const repositories = rotateAfter(
    listed,
    (repository) => repository.repositoryName ?? '',
    deps.resumeAfter,
  );
  let done = 0;
  let reached = 0;
  let stopped = false;
  await forEachLimited(repositories, deps.concurrency ?? 4, async (repository) => {
    // Decided as the repository is taken, before any await: the repositories reached are then the
    // first ones of the order, whatever the concurrency, and the last of them is the cursor.
    if (stopped || (reached > 0 && pastDeadline(deps))) {
      stopped = true;
      return;
    }
    reached++;
    const name = repository.repositoryName ?? '';
    // Set once the tags are read and the configuration can be judged from them.
    let judge: ((tags?: Iterable<string>) => Promise<Found[]>) | undefined;
    let judged = false;
    try {
      const scope = { account: account ?? repository.registryId ?? null, region: deps.region };
      if (resolveRepository(deps.policy, { ...scope, repository: name }).ignored) {
        ignored++;
        return;
      }
      const ref: RepositoryRef = {
        account: account ?? repository.registryId ?? 'unknown',
        region: deps.region,
        repository: name,
      };
      const config = normalizeRepositoryConfig(repository);
      if (typeof config === 'string') throw new Error(config);
      judge = (tags?: Iterable<string>) =>
        deps.auditor.observeConfig({ kind: 'repository', ref }, config, at, tags);
      // What the listing shows is recorded as of when it began, not when the scan began: a
      // push between the two is in the listing, and its event must not look newer than it.
      const listedAt = now().toISOString();
      const [current, known] = await Promise.all([
        deps.registry.listTags(name),
        deps.auditor.knownTags(ref),
      ]);
      tagCount += current.size;
      await deps.auditor.reconcileTags(ref, {
        tags: current,
        known,
        at: { ...at, time: listedAt },
        recheckFrom,
        report: (found) => findings.push(found),
      });
      // Judged with the tags just listed (no second read of the ledger), so that witnesses name
      // real tags first.
      judged = true;
      findings.push(...(await judge(current.keys())));
    } catch (error) {
      failures.push({ repository: name, error: (error as Error).message });
      deps.log.error('Scan of a repository failed', {
        repository: name,
        error: (error as Error).message,
      });
      // A repository whose images cannot be listed (denied, throttled beyond retries) still has
      // its configuration judged — with the tags the ledger knows as witnesses — so that its
      // drift does not hide behind the failure.
      if (judge && !judged) {
        try {
          findings.push(...(await judge()));
        } catch {
          // Reported above; the next scan tries again.
        }
      }
    } finally {
      deps.onProgress?.(++done, repositories.length);
    }
  });

  await templatesRead;
  findings.unshift(...templateFindings);
  failures.unshift(...templateFailures);

  deps.metrics.count('ScanRepositories', repositories.length);
  deps.metrics.count('ScanTags', tagCount);
  deps.metrics.count('ScanRepositoryFailures', failures.length);
  deps.metrics.count('ScanRepositoriesRemaining', repositories.length - reached);
  deps.metrics.count('ScanIncomplete', reached < repositories.length ? 1 : 0);
  return {
    account: account ?? repositories[0]?.registryId ?? 'unknown',
    region: deps.region,
    startedAt,
    finishedAt: now().toISOString(),
    repositories: repositories.length,
    covered: reached,
    resumeAfter:
      reached < repositories.length ? (repositories[reached - 1]?.repositoryName ?? '') : null,
    ignored,
    templates,
    tags: tagCount,
    findings,
    failures,
  };
}

/** The deadline has come (never, without one). */
function pastDeadline(deps: Pick<ScanDeps, 'now' | 'deadline'>): boolean {
  return deps.deadline !== undefined && deps.now().getTime() >= deps.deadline.getTime();
}
