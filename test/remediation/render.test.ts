/**
 * Plans as text (lib/render/plan.ts): each format says what the plan does to the tags, with the
 * exact request and its AWS CLI command.
 */
import { describe, expect, it } from 'vitest';
import type { TagRecord } from '../../lib/core/engine/records.ts';
import type { ApplyResult } from '../../lib/core/remediation/apply.ts';
import { planRemediation, type RemediationPlan } from '../../lib/core/remediation/plan.ts';
import { parsePolicy } from '../../lib/io/policy/parse.ts';
import { awsCliCommand } from '../../lib/render/aws-cli.ts';
import { renderPlans } from '../../lib/render/plan.ts';
import { ACCOUNT } from '../support/account.ts';
import { config } from '../support/config.ts';
import { digest } from '../support/digest.ts';
import { tagRecordOf } from '../support/ledger.ts';

const REGION = 'eu-west-1';
const NOW = new Date('2026-03-31T12:00:00.000Z');
const POLICY = parsePolicy(
  `version: 1
default:
  imageTagMutability: IMMUTABLE_WITH_EXCLUSION
  imageTagMutabilityExclusionFilters: ["dev-*", "sha256-*"]
`,
  'policy.yml',
);

/** `latest` moved `n` times within the last days, at day `n` the last. */
function moved(n: number): TagRecord {
  return tagRecordOf(
    Array.from({ length: n + 1 }, (_, i) => ({
      kind: 'push' as const,
      digest: digest(i + 1),
      time: `2026-03-${String(10 + i).padStart(2, '0')}T00:00:00.000Z`,
      eventId: null,
    })),
  );
}

function webPlan(tags: Map<string, TagRecord | null>, historyKnown = true): RemediationPlan {
  const outcome = planRemediation({
    policy: POLICY,
    subject: { kind: 'repository', ref: { account: ACCOUNT, region: REGION, repository: 'web' } },
    current: config('MUTABLE'),
    known: { tags, historyKnown },
    now: NOW,
  });
  if (outcome.kind !== 'drift') throw new Error('expected drift');
  return outcome.plan;
}

function templatePlan(description: string): RemediationPlan {
  const outcome = planRemediation({
    policy: POLICY,
    subject: {
      kind: 'template',
      ref: { account: ACCOUNT, region: REGION, templatePrefix: 'team-a' },
      settings: { description, appliedFor: ['CREATE_ON_PUSH'] },
    },
    current: config('MUTABLE'),
    now: NOW,
  });
  if (outcome.kind !== 'drift') throw new Error('expected drift');
  return outcome.plan;
}

describe('renderPlans', () => {
  it('table: a summary row, then the request, the command and the tags that become immutable with their recent overwrites', () => {
    // Prepare
    const plan = webPlan(
      new Map<string, TagRecord | null>([
        ['latest', moved(10)],
        ['busy', moved(14)],
        ['v1', moved(0)],
        ['v2', null],
        ['dev-1', moved(3)],
      ]),
    );
    // Act
    const text = renderPlans([{ plan, result: null }], 'table');
    // Assess
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^DRIFT\s+ACCOUNT\/REGION\s+SUBJECT\s+CURRENT\s+TARGET\s+TAGS FLIPPING$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^LOOSENED\\s+${ACCOUNT}/${REGION}\\s+web\\s+MUTABLE\\s+IMMUTABLE_WITH_EXCLUSION \\[dev-\\*, sha256-\\*\\]\\s+4 become immutable$`,
      ),
    );
    expect(text).toContain(
      `web in ${ACCOUNT}/${REGION} is LOOSENED: MUTABLE → IMMUTABLE_WITH_EXCLUSION [dev-*, sha256-*] (default)`,
    );
    expect(text).toContain('  request: PutImageTagMutability {"registryId":');
    expect(text).toContain(`  command: aws ecr put-image-tag-mutability --region ${REGION}`);
    expect(text).toContain('4 of 5 tag(s) become immutable.');
    expect(text).toContain(
      'latest moved 10 times in the last 30 days: these pushes will be refused after this change (last 2026-03-20T00:00:00.000Z).',
    );
    // 15 pushes are more than a tag's history keeps: the count is a lower bound, and says so.
    expect(text).toContain('busy moved at least 11 times in the last 30 days');
    expect(text.indexOf('busy moved')).toBeLessThan(text.indexOf('latest moved'));
    expect(text).toContain('Not moved in the last 30 days: v1.');
    expect(text).toContain('No history in the ledger: v2.');
    expect(text).not.toContain('dev-1');
  });

  it('says without a ledger that overwrite counts are unknown, and names the tags', () => {
    // Act
    const text = renderPlans(
      [{ plan: webPlan(new Map([['v1', null]]), false), result: null }],
      'table',
    );
    // Assess
    expect(text).toContain(
      'v1. No ledger (--state): how often they were overwritten is unknown, and tags ECR does not list now are not known.',
    );
  });

  it('json: every plan with its request, command, impact and result (null in a dry run)', () => {
    // Prepare
    const plan = webPlan(new Map([['latest', moved(2)]]));
    const result: ApplyResult = {
      plan,
      status: 'FAILED',
      after: null,
      error: 'AccessDeniedException: no',
    };
    // Act
    const documents = JSON.parse(
      renderPlans(
        [
          { plan, result: null },
          { plan, result },
        ],
        'json',
      ),
    ) as Record<string, unknown>[];
    // Assess
    expect(Object.keys(documents[0] ?? {})).toEqual([
      'account',
      'region',
      'repository',
      'templatePrefix',
      'rule',
      'direction',
      'current',
      'target',
      'witnesses',
      'request',
      'awsCli',
      'impact',
      'result',
    ]);
    expect(documents[0]).toMatchObject({
      request: plan.request,
      awsCli: awsCliCommand(REGION, plan.request),
      impact: { flips: [{ tag: 'latest', overwrites: 2 }] },
      result: null,
    });
    expect(documents[1]?.result).toEqual({
      status: 'FAILED',
      after: null,
      error: 'AccessDeniedException: no',
    });
  });

  it('ndjson: one plan a line; markdown: a report whose code blocks no backtick in a setting can close', () => {
    // Prepare
    const template = templatePlan('```\n# not a heading');
    const web = webPlan(new Map([['latest', moved(1)]]));
    const entries = [
      { plan: template, result: null },
      {
        plan: web,
        result: { plan: web, status: 'EQUAL' as const, after: web.target, error: null },
      },
    ];
    // Act
    const ndjson = renderPlans(entries, 'ndjson');
    const markdown = renderPlans(entries, 'markdown');
    // Assess
    expect(
      ndjson
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).templatePrefix),
    ).toEqual(['team-a', null]);
    expect(markdown).toContain('2 change(s): 2 LOOSENED, 0 CHANGED, 0 TIGHTENED.');
    expect(markdown).toContain('Applied: 1 EQUAL, 0 failed.');
    expect(markdown).toContain('````json');
    expect(markdown).not.toMatch(/^# not a heading/m);
    expect(markdown).toContain(
      '- A creation template applies only to repositories created from it later: no existing tag changes.',
    );
    expect(markdown).toContain('Result: EQUAL \\(read back: IMMUTABLE\\_WITH\\_EXCLUSION');
  });

  it('tells a delete followed by a push apart, names tags becoming mutable, and shortens long lists', () => {
    // Prepare: v1 deleted and pushed again; twelve release tags never moved; dev-pinned freed
    const v1 = tagRecordOf([
      { kind: 'push', digest: digest(1), time: '2026-03-10T00:00:00.000Z', eventId: null },
      { kind: 'delete', digest: digest(1), time: '2026-03-11T00:00:00.000Z', eventId: null },
      { kind: 'push', digest: digest(2), time: '2026-03-12T00:00:00.000Z', eventId: null },
    ]);
    const tags = new Map<string, TagRecord | null>([
      ['v1', v1],
      ['dev-pinned', null],
    ]);
    for (let i = 0; i < 12; i++) tags.set(`release-${String(i).padStart(2, '0')}`, moved(0));
    const outcome = planRemediation({
      policy: POLICY,
      subject: { kind: 'repository', ref: { account: ACCOUNT, region: REGION, repository: 'web' } },
      current: config('MUTABLE_WITH_EXCLUSION', 'dev-pinned'),
      known: { tags, historyKnown: true },
      now: NOW,
    });
    if (outcome.kind !== 'drift') throw new Error('expected drift');
    // Act
    const text = renderPlans([{ plan: outcome.plan, result: null }], 'table');
    // Assess
    expect(outcome.plan.direction).toBe('CHANGED');
    expect(text).toContain(
      'v1 was deleted and pushed again once: immutability does not stop that (last 2026-03-12T00:00:00.000Z).',
    );
    expect(text).toContain('release-00, release-01, release-02');
    expect(text).toContain('release-09 and 2 more.');
    expect(text).toContain('1 of 14 tag(s) become mutable: dev-pinned.');
    expect(text).toMatch(/CHANGED .* 13 become immutable, 1 become mutable/);
  });

  it('says when a change flips no existing tag, and when the tags could not be read', () => {
    // Prepare
    const none = webPlan(new Map([['dev-1', null]]));
    const unread = { ...none, impact: null };
    // Act
    const text = renderPlans(
      [
        { plan: none, result: null },
        { plan: unread, result: null },
      ],
      'table',
    );
    // Assess
    expect(text).toContain('No existing tag changes mutability (1 tag(s)).');
    expect(text).toContain('Unknown: the repository’s tags could not be read.');
    expect(text).toMatch(/web\s+MUTABLE .* none\n/);
    expect(text).toMatch(/ unknown\n/);
  });

  it('says when there is nothing to do', () => {
    expect(renderPlans([], 'table')).toBe('Nothing to remediate.\n');
    expect(renderPlans([], 'json')).toBe('[]\n');
    expect(renderPlans([], 'markdown')).toContain('0 change(s)');
  });
});
