/** A drift finding's configurations side by side (lib/render/report/drift.ts). */
import { describe, expect, it } from 'vitest';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import { driftComparison, witnessList } from '../../lib/render/report/drift.ts';
import { sampleFinding } from '../alerts/findings.ts';

const config = (
  mode: MutabilityConfig['imageTagMutability'],
  ...filters: string[]
): MutabilityConfig => ({
  imageTagMutability: mode,
  imageTagMutabilityExclusionFilters: filters.map((filter) => ({ filterType: 'WILDCARD', filter })),
});

/** The text of each side: its title, mode and filters, and which of them are marked. */
function sides(html: string) {
  return (html.match(/<div class="side">.*?<\/div>/g) ?? []).map((side) => ({
    title: /<h4>(.*?)<\/h4>/.exec(side)?.[1],
    mode: /<p class="mode( differs)?"><code>(.*?)<\/code>/.exec(side)?.slice(1),
    filters: [...side.matchAll(/<li class="chip( only)?"><code>(.*?)<\/code>/g)].map((m) => [
      m[2],
      m[1] === ' only',
    ]),
  }));
}

describe('driftComparison', () => {
  it('puts expected left and actual right, the direction between, and marks what differs', () => {
    // Prepare
    const finding = sampleFinding('CONFIG_DRIFT', {
      expected: config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'sha256-*'),
      actual: config('IMMUTABLE_WITH_EXCLUSION', 'dev-*', 'release-*'),
      direction: 'CHANGED',
      witnesses: ['release-1', 'sha256-x'],
    });

    // Act
    const html = driftComparison(finding);

    // Assess
    expect(sides(html)).toEqual([
      {
        title: 'Expected',
        mode: [undefined, 'IMMUTABLE_WITH_EXCLUSION'],
        filters: [
          ['dev-*', false],
          ['sha256-*', true],
        ],
      },
      {
        title: 'Actual',
        mode: [undefined, 'IMMUTABLE_WITH_EXCLUSION'],
        filters: [
          ['dev-*', false],
          ['release-*', true],
        ],
      },
    ]);
    expect(html).toMatch(/Expected.*class="direction dir-CHANGED".*CHANGED.*Actual/);
    expect(html).toContain(
      '<span class="caption">Mutability differs for</span> <code class="chip">release-1</code> <code class="chip">sha256-x</code>',
    );
  });

  it('marks a different mode, and says when a side has no filters or is not known', () => {
    // Prepare
    const loosened = sampleFinding('CONFIG_DRIFT', {
      expected: config('IMMUTABLE'),
      actual: config('MUTABLE'),
      direction: 'LOOSENED',
    });
    const unknown = sampleFinding('CONFIG_DRIFT', { actual: null });

    // Act
    const [a, b] = [driftComparison(loosened), driftComparison(unknown)];

    // Assess
    expect(sides(a).map((s) => s.mode)).toEqual([
      [' differs', 'IMMUTABLE'],
      [' differs', 'MUTABLE'],
    ]);
    expect(a.match(/no exclusion filters/g)).toHaveLength(2);
    expect(b).toMatch(/<h4>Actual<\/h4><p class="none">not known<\/p>/);
    // With nothing to compare with, the expected side marks nothing.
    expect(b).not.toContain('only');
  });
});

describe('witnessList', () => {
  it('captions the witness tags by direction, and is empty without any', () => {
    // Prepare
    const of = (direction: 'LOOSENED' | 'TIGHTENED' | null, witnesses: string[]) =>
      witnessList(sampleFinding('CONFIG_DRIFT', { direction, witnesses }));

    // Act / Assess
    expect(of('LOOSENED', ['a'])).toContain('<span class="caption">Now mutable</span>');
    expect(of('TIGHTENED', ['a'])).toContain('<span class="caption">Now immutable</span>');
    expect(of(null, ['a'])).toContain('<span class="caption">Witness tags</span>');
    expect(of('LOOSENED', [])).toBe('');
  });
});
