/**
 * Row 5: the exact drift comparison's worst case within ECR's limits, p99 (no baseline: the
 * budget is absolute). The search and the timing run in a fresh process (children/compare.ts).
 *
 * @module
 */
import { join } from 'node:path';
import { CHILDREN, runChild } from '../lib/child.ts';
import { type Row, type RowResult, smallTable } from '../lib/report.ts';
import { int, ms } from '../lib/stats.ts';

interface CompareReport {
  candidates: number;
  searchMs: number;
  worst: {
    name: string;
    expected: {
      imageTagMutability: string;
      imageTagMutabilityExclusionFilters: { filter: string }[];
    };
    actual: {
      imageTagMutability: string;
      imageTagMutabilityExclusionFilters: { filter: string }[];
    };
    direction: string;
    witnesses: string[];
  };
  runnersUp: { name: string; p50: number }[];
  iterations: number;
  p50: number;
  p99: number;
  max: number;
}

function describe(c: CompareReport['worst']['expected']): string {
  return `${c.imageTagMutability} [${c.imageTagMutabilityExclusionFilters.map((f) => `\`${f.filter}\``).join(', ')}]`;
}

/** Runs row 5. */
export async function compareWorstCase(quick: boolean): Promise<RowResult> {
  const { report } = await runChild<CompareReport>(
    [
      join(CHILDREN, 'compare.ts'),
      quick ? '500' : '2000',
      quick ? '200' : '600',
      quick ? '4000' : '12000',
    ],
    { timeoutMs: 120_000 },
  );
  const rows: Row[] = [
    {
      id: '5',
      what: `exact drift comparison, worst case found (5 filters × 2 \`*\` each side), p99 of ${int(report.iterations)}`,
      figure: ms(report.p99),
      baseline: '—',
      ratio: '—',
      budget: 'p99 ≤ 5 ms',
      pass: report.p99 <= 5,
    },
  ];
  const details = [
    `Drift comparison: ${int(report.candidates)} candidates (hand-built adversarial families and seeded random ones) timed, the slowest re-timed in rounds, then mutated one character at a time while that made it slower (${ms(report.searchMs)} of search). Worst found (${report.worst.name}):\n\n- expected: ${describe(report.worst.expected)}\n- actual: ${describe(report.worst.actual)}\n- ${report.worst.direction}, witnesses ${report.worst.witnesses.map((w) => `\`${w}\``).join(', ')}\n\n${smallTable(
      ['', 'p50', 'p99', 'max'],
      [
        [
          `worst case, ${int(report.iterations)} comparisons`,
          ms(report.p50),
          ms(report.p99),
          ms(report.max),
        ],
      ],
    )}\n\nRunners-up before the mutation search (p50): ${report.runnersUp.map((r) => `${r.name} ${ms(r.p50)}`).join('; ')}.`,
  ];
  return { rows, details };
}
