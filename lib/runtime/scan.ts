/**
 * The compliance scan: every repository and creation template of a registry compared with the
 * policy, and every tag reconciled with the ledger — a tag whose digest differs from the
 * ledger's was overwritten without an event reaching us (`detectedBy: scan`); unseen tags seed
 * the ledger; tags gone from ECR are tombstoned. One repository failing never stops the rest,
 * and neither do the creation templates.
 *
 * @module
 */
import {
  type ECRClient,
  paginateDescribeImages,
  paginateDescribeRepositories,
  paginateDescribeRepositoryCreationTemplates,
  type Repository,
} from '@aws-sdk/client-ecr';
import type { Auditor } from '../engine/auditor.ts';
import { lastMoveFinding, type Provenance, pushFinding } from '../engine/decide.ts';
import type { Ledger } from '../engine/ledger.ts';
import type { RepositoryRef } from '../engine/records.ts';
import type { Finding } from '../findings.ts';
import { resolveRepository } from '../policy/resolve.ts';
import type { Policy } from '../policy/types.ts';
import { normalizeRepositoryConfig } from '../semantics/validate.ts';
import type { RuntimeLog, RuntimeMetrics } from './telemetry.ts';

/** The `repository` of the failure reported when the creation templates cannot be read. */
export const TEMPLATES_FAILURE = 'repository creation templates';

/** ECR's largest page (DescribeRepositories, DescribeImages: `maxResults` 1–1000). */
export const ECR_PAGE_SIZE = 1000;

/** Ledger writes of one repository made at once (a first scan seeds every tag). */
export const LEDGER_WRITE_CONCURRENCY = 16;

/**
 * How far back a scan looks again at moves that earlier scans recorded, to deliver alerts an
 * interrupted run may have lost. Shorter than the alert log's retention, so nothing is re-sent.
 */
export const SCAN_RECHECK_MS = 7 * 24 * 3600 * 1000;

/** The side effects of a scan. */
export interface ScanDeps {
  readonly ecr: ECRClient;
  readonly policy: Policy;
  readonly auditor: Auditor;
  readonly ledger: Ledger;
  /** The account scanned; undefined: the `registryId` ECR reports. */
  readonly account?: string;
  /** The region scanned (the ECR client's). */
  readonly region: string;
  /** Repositories scanned at once. */
  readonly concurrency?: number;
  readonly now?: () => Date;
  readonly log: RuntimeLog;
  readonly metrics: RuntimeMetrics;
  /** Called after each repository, for a progress indicator. */
  readonly onProgress?: (done: number, total: number) => void;
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
  readonly ignored: number;
  readonly templates: number;
  readonly tags: number;
  readonly findings: readonly Finding[];
  readonly failures: readonly ScanFailure[];
}

/** Runs bounded-concurrency work over `items`. */
async function forEachLimited<T>(
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

/** Lists every repository of the registry. */
export async function listRepositories(ecr: ECRClient): Promise<Repository[]> {
  const all: Repository[] = [];
  for await (const page of paginateDescribeRepositories(
    { client: ecr, pageSize: ECR_PAGE_SIZE },
    {},
  )) {
    all.push(...(page.repositories ?? []));
  }
  return all;
}

/** The current tag → digest map of one repository, from DescribeImages. */
export async function listTags(
  ecr: ECRClient,
  repositoryName: string,
): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  const pages = paginateDescribeImages(
    { client: ecr, pageSize: ECR_PAGE_SIZE },
    { repositoryName, filter: { tagStatus: 'TAGGED' } },
  );
  for await (const page of pages) {
    for (const image of page.imageDetails ?? []) {
      if (!image.imageDigest) continue;
      for (const tag of image.imageTags ?? []) tags.set(tag, image.imageDigest);
    }
  }
  return tags;
}

/** Scans the registry; see the module comment. */
export async function runScan(deps: ScanDeps): Promise<ScanReport> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const recheckFrom = Date.parse(startedAt) - SCAN_RECHECK_MS;
  const at: Provenance & { time: string } = {
    time: startedAt,
    eventId: null,
    actor: null,
    detectedBy: 'scan',
  };
  const findings: Finding[] = [];
  const failures: ScanFailure[] = [];
  let tagCount = 0;
  let ignored = 0;

  let account = deps.account;
  let templates = 0;
  // Templates failing (throttled beyond retries, access denied) never stops the repositories.
  try {
    for await (const page of paginateDescribeRepositoryCreationTemplates(
      { client: deps.ecr, pageSize: ECR_PAGE_SIZE },
      {},
    )) {
      account ??= page.registryId;
      for (const template of page.repositoryCreationTemplates ?? []) {
        if (!template.prefix) continue;
        templates++;
        const config = normalizeRepositoryConfig(template);
        if (typeof config === 'string') {
          failures.push({ repository: `template:${template.prefix}`, error: config });
          continue;
        }
        const ref = {
          account: account ?? 'unknown',
          region: deps.region,
          templatePrefix: template.prefix,
        };
        findings.push(...(await deps.auditor.observeConfig({ kind: 'template', ref }, config, at)));
      }
    }
  } catch (error) {
    failures.push({ repository: TEMPLATES_FAILURE, error: (error as Error).message });
    deps.log.error('Scan of the creation templates failed', { error: (error as Error).message });
  }

  const repositories = await listRepositories(deps.ecr);
  let done = 0;
  await forEachLimited(repositories, deps.concurrency ?? 4, async (repository) => {
    const name = repository.repositoryName ?? '';
    // Set once the tags are read and the configuration can be judged from them.
    let judge: ((tags?: Iterable<string>) => Promise<Finding[]>) | undefined;
    let judged = false;
    try {
      if (resolveRepository(deps.policy, name).ignored) {
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
      const [current, known] = await Promise.all([listTags(deps.ecr, name), deps.ledger.tags(ref)]);
      tagCount += current.size;
      const writes: (() => Promise<void>)[] = [];
      for (const [tag, digest] of current) {
        const record = known.get(tag);
        if (record && !record.deleted && record.digest === digest) {
          // A move that an earlier scan recorded: its alert may have been lost if that run
          // failed after the write. The alert log says whether it was sent.
          if (record.eventId === null && Date.parse(record.time) >= recheckFrom) {
            const finding = lastMoveFinding(deps.policy, ref, tag, record, at);
            if (finding) findings.push(finding);
          }
          continue;
        }
        writes.push(async () => {
          const prev = await deps.ledger.recordPush(ref, tag, digest, at);
          const finding = pushFinding(deps.policy, ref, prev, tag, digest, at);
          if (finding) findings.push(finding);
        });
      }
      for (const [tag, record] of known) {
        if (!record.deleted && !current.has(tag)) {
          writes.push(() => deps.ledger.recordDelete(ref, tag, record.digest, at));
        }
      }
      await forEachLimited(writes, LEDGER_WRITE_CONCURRENCY, (write) => write());
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

  deps.metrics.count('ScanRepositories', repositories.length);
  deps.metrics.count('ScanTags', tagCount);
  deps.metrics.count('ScanRepositoryFailures', failures.length);
  return {
    account: account ?? repositories[0]?.registryId ?? 'unknown',
    region: deps.region,
    startedAt,
    finishedAt: now().toISOString(),
    repositories: repositories.length,
    ignored,
    templates,
    tags: tagCount,
    findings,
    failures,
  };
}
