/**
 * The remediation plans of one registry (one account in one region), read through the scan's
 * {@link Registry} port (docs/remediation.md#what-is-planned): every creation template and
 * repository the selection keeps is compared with the policy; the tags of a repository are read
 * only when it is planned. A template or repository that cannot be read never stops the others.
 *
 * @module
 */
import type { TagRecord } from '../engine/records.ts';
import { forEachLimited } from '../limited.ts';
import type { MutabilityConfig } from '../model/config.ts';
import type { RepositoryRef } from '../model/refs.ts';
import { templateRepositoryName } from '../policy/resolve.ts';
import type { Policy } from '../policy/types.ts';
import type { Registry } from '../scan/registry.ts';
import { normalizeRepositoryConfig } from '../semantics/validate.ts';
import { exposesTags, type KnownTags, planRemediation, type RemediationPlan } from './plan.ts';
import { templateSettings } from './request.ts';

/** The `subject` of the failure reported when the creation templates cannot be read. */
export const TEMPLATES_SUBJECT = 'repository creation templates';

/** What {@link planRegistry} needs. */
export interface PlanRegistryDeps {
  readonly registry: Registry;
  readonly policy: Policy;
  /** The account; undefined: the `registryId` ECR reports. */
  readonly account?: string;
  readonly region: string;
  /**
   * Which repositories are planned, by name; a creation template is named as the policy judges
   * it (`P/`), `ROOT` by null. Undefined: all.
   */
  readonly select?: (name: string | null) => boolean;
  /** Plan `TIGHTENED` drift too (by default only drift that exposes tags is planned). */
  readonly includeTightened?: boolean;
  /** The ledger's tag histories of a repository; undefined: no ledger (histories unknown). */
  readonly history?: (ref: RepositoryRef) => Promise<ReadonlyMap<string, TagRecord>>;
  readonly now: Date;
  /** Days of recent moves the impact counts. */
  readonly windowDays?: number;
  /** Repositories whose tags are read at once; default 4. */
  readonly concurrency?: number;
}

/** A template or repository that could not be read, or whose tags could not be. */
export interface PlanFailure {
  /** `template:PREFIX`, the repository's name, or {@link TEMPLATES_SUBJECT}. */
  readonly subject: string;
  readonly error: string;
}

/** What {@link planRegistry} found. */
export interface RegistryPlans {
  readonly account: string;
  readonly region: string;
  /** Templates and repositories compared with the policy (selected, not ignored). */
  readonly templates: number;
  readonly repositories: number;
  /** Those ignored by the policy. */
  readonly ignored: number;
  /** Those already `EQUAL`. */
  readonly equal: number;
  /** `TIGHTENED` drift not planned (without {@link PlanRegistryDeps.includeTightened}). */
  readonly tightened: number;
  /** The plans: templates first, each group by name. */
  readonly plans: readonly RemediationPlan[];
  readonly failures: readonly PlanFailure[];
}

/**
 * Plans the registry; see the module comment. Rejects only when the repositories cannot be
 * listed at all.
 *
 * @example
 * ```ts
 * const { plans, failures } = await planRegistry({ registry, policy, region: 'eu-west-1',
 *   now: new Date(), history: (ref) => ledger.tags(ref) });
 * ```
 */
export async function planRegistry(deps: PlanRegistryDeps): Promise<RegistryPlans> {
  const select = deps.select ?? (() => true);
  const wanted = (direction: RemediationPlan['direction']) =>
    deps.includeTightened === true || exposesTags(direction);
  const failures: PlanFailure[] = [];
  const templatePlans: RemediationPlan[] = [];
  const repositoryPlans: RemediationPlan[] = [];
  const count = { templates: 0, repositories: 0, ignored: 0, equal: 0, tightened: 0 };
  let account = deps.account;

  try {
    for await (const page of deps.registry.templatePages()) {
      account ??= page.registryId;
      for (const template of page.templates) {
        const prefix = template.prefix;
        if (!prefix || !select(templateRepositoryName(prefix))) continue;
        const current = normalizeRepositoryConfig(template);
        if (typeof current === 'string') {
          failures.push({ subject: `template:${prefix}`, error: current });
          continue;
        }
        const outcome = planRemediation({
          policy: deps.policy,
          subject: {
            kind: 'template',
            ref: { account: account ?? 'unknown', region: deps.region, templatePrefix: prefix },
            settings: templateSettings(template),
          },
          current,
          now: deps.now,
        });
        if (outcome.kind === 'ignored') count.ignored++;
        else count.templates++;
        if (outcome.kind === 'equal') count.equal++;
        if (outcome.kind !== 'drift') continue;
        if (wanted(outcome.plan.direction)) templatePlans.push(outcome.plan);
        else count.tightened++;
      }
    }
  } catch (error) {
    failures.push({ subject: TEMPLATES_SUBJECT, error: (error as Error).message });
  }

  const repositories = (await deps.registry.listRepositories()).filter((r) =>
    select(r.repositoryName ?? ''),
  );
  const drifted: { ref: RepositoryRef; current: MutabilityConfig }[] = [];
  for (const repository of repositories) {
    const ref: RepositoryRef = {
      account: account ?? repository.registryId ?? 'unknown',
      region: deps.region,
      repository: repository.repositoryName ?? '',
    };
    const current = normalizeRepositoryConfig(repository);
    if (typeof current === 'string') {
      failures.push({ subject: ref.repository, error: current });
      continue;
    }
    // Judged once without tags, so that only the repositories planned have theirs read.
    const outcome = planRemediation({
      policy: deps.policy,
      subject: { kind: 'repository', ref },
      current,
      now: deps.now,
    });
    if (outcome.kind === 'ignored') count.ignored++;
    else count.repositories++;
    if (outcome.kind === 'equal') count.equal++;
    if (outcome.kind !== 'drift') continue;
    if (wanted(outcome.plan.direction)) drifted.push({ ref, current });
    else count.tightened++;
  }

  await forEachLimited(drifted, deps.concurrency ?? 4, async ({ ref, current }) => {
    let known: KnownTags | undefined;
    try {
      known = await knownTags(deps, ref);
    } catch (error) {
      // Planned all the same: the change is what the policy asks; only its impact is unknown.
      failures.push({ subject: ref.repository, error: (error as Error).message });
    }
    const outcome = planRemediation({
      policy: deps.policy,
      subject: { kind: 'repository', ref },
      current,
      known,
      now: deps.now,
      windowDays: deps.windowDays,
    });
    if (outcome.kind === 'drift') repositoryPlans.push(outcome.plan);
  });

  const byName = (a: RemediationPlan, b: RemediationPlan) => {
    const x = a.repository ?? a.templatePrefix ?? '';
    const y = b.repository ?? b.templatePrefix ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return {
    account: account ?? repositories[0]?.registryId ?? 'unknown',
    region: deps.region,
    ...count,
    plans: [...templatePlans.sort(byName), ...repositoryPlans.sort(byName)],
    failures,
  };
}

/** The tags ECR lists for `ref` now, each with the ledger's history of it. */
async function knownTags(deps: PlanRegistryDeps, ref: RepositoryRef): Promise<KnownTags> {
  const [listed, ledger] = await Promise.all([
    deps.registry.listTags(ref.repository),
    deps.history?.(ref),
  ]);
  const tags = new Map<string, TagRecord | null>();
  for (const tag of listed.keys()) tags.set(tag, ledger?.get(tag) ?? null);
  return { tags, historyKnown: ledger !== undefined };
}
