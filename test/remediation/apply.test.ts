/**
 * applyPlans and its pacer (lib/core/remediation/apply.ts) over an in-memory remediator and a
 * fake clock: every plan read back and judged exactly, one failure never stopping the others,
 * and the requests spaced as the rate asks (the delays asked for, never the time measured).
 */
import { describe, expect, it } from 'vitest';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import { applyPlans, createPacer, type Remediator } from '../../lib/core/remediation/apply.ts';
import { planRemediation, type RemediationPlan } from '../../lib/core/remediation/plan.ts';
import type { RemediationRequest } from '../../lib/core/remediation/request.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { ACCOUNT } from '../support/account.ts';
import { config } from '../support/config.ts';

const POLICY = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*"]
`,
  'policy.yml',
);

function planFor(repository: string, current: MutabilityConfig): RemediationPlan {
  const outcome = planRemediation({
    policy: POLICY,
    subject: { kind: 'repository', ref: { account: ACCOUNT, region: 'eu-west-1', repository } },
    current,
    now: new Date('2026-03-31T00:00:00.000Z'),
  });
  if (outcome.kind !== 'drift') throw new Error(`${repository} is not drifted`);
  return outcome.plan;
}

/** A clock that only moves when slept on, recording every sleep. */
function fakeClock() {
  let time = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/**
 * A registry in memory: repositories by name; a request sets what it names (as ECR would, or
 * not at all for the names in `ignoring`); `failing` names repositories whose writes fail.
 */
function memoryRemediator(
  repositories: Map<string, MutabilityConfig>,
  options: { failing?: string[]; ignoring?: string[]; unreadable?: string[] } = {},
): Remediator & { sent: RemediationRequest[] } {
  const sent: RemediationRequest[] = [];
  return {
    sent,
    async send(request) {
      sent.push(request);
      if (request.operation !== 'PutImageTagMutability') throw new Error('unexpected operation');
      const name = request.input.repositoryName;
      if (options.failing?.includes(name)) {
        throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
      }
      if (options.ignoring?.includes(name)) return;
      repositories.set(name, {
        imageTagMutability: request.input.imageTagMutability,
        imageTagMutabilityExclusionFilters: request.input.imageTagMutabilityExclusionFilters ?? [],
      });
    },
    async readBack(plan) {
      if (options.unreadable?.includes(plan.repository ?? '')) throw new Error('connection reset');
      return repositories.get(plan.repository ?? '') ?? {};
    },
  };
}

describe('applyPlans', () => {
  it('applies every plan, reads each back EQUAL, and goes on past a failure', async () => {
    // Prepare
    const repositories = new Map([
      ['a', config('MUTABLE')],
      ['b', config('MUTABLE')],
      ['c', config('IMMUTABLE_WITH_EXCLUSION', '*')],
    ]);
    const remediator = memoryRemediator(repositories, { failing: ['b'] });
    const plans = [...repositories].map(([name, current]) => planFor(name, current));
    const clock = fakeClock();
    const seen: [string | null, number, number][] = [];
    // Act
    const results = await applyPlans(plans, {
      remediatorOf: () => remediator,
      perSecond: 10,
      ...clock,
      onResult: (result, done, total) => seen.push([result.plan.repository, done, total]),
    });
    // Assess
    expect(results.map((r) => [r.plan.repository, r.status, r.error])).toEqual([
      ['a', 'EQUAL', null],
      ['b', 'FAILED', 'AccessDeniedException: User is not authorized'],
      ['c', 'EQUAL', null],
    ]);
    expect(results[0]?.after).toEqual(config('IMMUTABLE_WITH_EXCLUSION', 'dev-*'));
    expect(results[1]?.after).toBeNull();
    expect(remediator.sent).toHaveLength(3);
    expect(seen).toEqual([
      ['a', 1, 3],
      ['b', 2, 3],
      ['c', 3, 3],
    ]);
  });

  it('fails a plan whose configuration reads back other than the target, or cannot be read back', async () => {
    // Prepare: ECR "accepts" a's request but keeps its setting; b cannot be read back
    const repositories = new Map([
      ['a', config('MUTABLE')],
      ['b', config('MUTABLE')],
    ]);
    const remediator = memoryRemediator(repositories, { ignoring: ['a'], unreadable: ['b'] });
    const plans = [...repositories].map(([name, current]) => planFor(name, current));
    // Act
    const results = await applyPlans(plans, {
      remediatorOf: () => remediator,
      perSecond: 10,
      ...fakeClock(),
    });
    // Assess
    expect(results.map((r) => [r.status, r.error, r.after])).toEqual([
      [
        'FAILED',
        'read back a configuration that is LOOSENED, not EQUAL to the target',
        config('MUTABLE'),
      ],
      ['FAILED', 'the change was sent, but reading it back failed: connection reset', null],
    ]);
  });

  it('fails a plan whose read-back is not a configuration ECR sends', async () => {
    // Prepare
    const plan = planFor('a', config('MUTABLE'));
    const remediator: Remediator = {
      send: async () => {},
      readBack: async () => ({ imageTagMutability: 'SOMETIMES' }),
    };
    // Act
    const [result] = await applyPlans([plan], {
      remediatorOf: () => remediator,
      perSecond: 1,
      ...fakeClock(),
    });
    // Assess
    expect(result?.status).toBe('FAILED');
    expect(result?.error).toContain('read back a configuration ECR would not send');
  });

  it('is idempotent: applying the same plans again leaves every configuration EQUAL', async () => {
    // Prepare
    const repositories = new Map([['a', config('MUTABLE')]]);
    const remediator = memoryRemediator(repositories);
    const plans = [planFor('a', config('MUTABLE'))];
    const deps = { remediatorOf: () => remediator, perSecond: 5, ...fakeClock() };
    // Act
    const first = await applyPlans(plans, deps);
    const second = await applyPlans(plans, deps);
    // Assess
    expect([...first, ...second].map((r) => r.status)).toEqual(['EQUAL', 'EQUAL']);
    expect(repositories.get('a')).toEqual(config('IMMUTABLE_WITH_EXCLUSION', 'dev-*'));
  });
});

describe('createPacer', () => {
  it('spaces calls 1000 / perSecond ms apart, counting the time that already passed', async () => {
    // Prepare
    const clock = fakeClock();
    const pace = createPacer(4, clock);
    // Act: the first call goes at once; the second at once after it waits 250 ms; 100 ms of
    // work before the third leaves 150 ms to wait; 300 ms before the fourth leaves none
    await pace();
    await pace();
    clock.advance(100);
    await pace();
    clock.advance(300);
    await pace();
    // Assess
    expect(clock.sleeps).toEqual([250, 150]);
  });

  it('paces applyPlans at the rate given', async () => {
    // Prepare
    const repositories = new Map([
      ['a', config('MUTABLE')],
      ['b', config('MUTABLE')],
      ['c', config('MUTABLE')],
    ]);
    const plans = [...repositories].map(([name, current]) => planFor(name, current));
    const clock = fakeClock();
    // Act
    await applyPlans(plans, {
      remediatorOf: () => memoryRemediator(repositories),
      perSecond: 2,
      ...clock,
    });
    // Assess
    expect(clock.sleeps).toEqual([500, 500]);
  });
});
