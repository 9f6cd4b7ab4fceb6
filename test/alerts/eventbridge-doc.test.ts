/**
 * docs/eventbridge.md against the code: its example event is what the runtime puts for that
 * finding of the bundled example (`npm start`), and each example rule selects exactly the
 * findings of that example its prose says, and none another account put — under EventBridge's
 * matching as its documentation defines it (test/support/event-pattern.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findingEventEntry } from '../../lib/core/delivery/finding-event.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { runCli } from '../cli/support.ts';
import { eventBridgeMatches } from '../support/event-pattern.ts';
import type { Json } from '../support/json.ts';
import { sampleFinding } from './findings.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const page = readFileSync(`${ROOT}docs/eventbridge.md`, 'utf8');
const blocks = [...page.matchAll(/```json\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1] ?? '') as Json,
);
const [event, ...rules] = blocks as [Json, ...Json[]];

/** The findings `npm start` prints, as JSON. */
async function exampleFindings(): Promise<Finding[]> {
  const run = await runCli([
    'replay',
    '--policy',
    `${ROOT}examples/policy.yml`,
    '--repositories',
    `${ROOT}examples/repositories.json`,
    '--min-severity',
    'INFO',
    '--format',
    'json',
    `${ROOT}examples/events`,
  ]);
  return JSON.parse(run.stdout) as Finding[];
}

/** The event of `finding` in the envelope of the page's example (same account, region, time). */
const asEvent = (finding: Finding): Json => ({ ...event, detail: finding as unknown as Json });

describe('docs/eventbridge.md', () => {
  it('shows an event and two rules', () => {
    expect(blocks).toHaveLength(3);
    expect(rules).toHaveLength(2);
  });

  it('its example event is what the runtime puts for that finding of the bundled example', async () => {
    // Prepare
    const findings = await exampleFindings();
    const detail = event.detail as unknown as Finding;
    const finding = findings.find((f) => f.id === detail.id);
    // Act: the entry the runtime puts for it.
    const entry = findingEventEntry(finding as Finding, 'ecr-tag-auditor-prod-events');
    // Assess: source, detail-type, and the detail field for field, in the order of findings.md.
    expect(finding).toBeDefined();
    expect(event.source).toBe(entry.Source);
    expect(event['detail-type']).toBe(entry.DetailType);
    expect(JSON.stringify(detail)).toBe(entry.Detail);
    expect(Object.keys(detail)).toEqual(Object.keys(sampleFinding()));
  });

  it.each([
    // Written out from the page's prose, not from the rules.
    [
      '1: overwrites of immutable tags in web and payments',
      (f: Finding) =>
        f.kind === 'TAG_OVERWRITE_VIOLATION' && ['web', 'payments'].includes(f.repository ?? ''),
    ],
    [
      '2: loosened repositories and templates of account 123456789012',
      (f: Finding) =>
        ['CONFIG_DRIFT', 'TEMPLATE_DRIFT'].includes(f.kind) &&
        f.direction === 'LOOSENED' &&
        f.account === '123456789012',
    ],
  ] as const)(
    'example rule %s selects exactly those findings of the example, and none another account put',
    async (name, selects) => {
      // Prepare
      const rule = rules[Number(name[0]) - 1] as Json;
      const findings = await exampleFindings();
      // Act
      const matched = findings.filter((f) => eventBridgeMatches(rule, asEvent(f)));
      // Assess
      expect(matched.length).toBeGreaterThan(0);
      expect(matched).toEqual(findings.filter(selects));
      for (const f of findings) {
        expect(eventBridgeMatches(rule, { ...asEvent(f), account: '999999999999' })).toBe(false);
      }
    },
  );
});
