/** explainTag's reason for a tag no exclusion filter matches (lib/core/semantics/match.ts). */
import { describe, expect, it } from 'vitest';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import { explainTag } from '../../lib/core/semantics/match.ts';

describe('explainTag', () => {
  it('says a tag no exclusion filter matches is immutable under IMMUTABLE_WITH_EXCLUSION', () => {
    // Prepare
    const config: MutabilityConfig = {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
    };
    // Act
    const explained = explainTag(config, 'v1');
    // Assess
    expect(explained).toEqual({
      immutable: true,
      decidedBy: null,
      reason:
        'tag "v1" matches no exclusion filter, so under IMMUTABLE_WITH_EXCLUSION it is immutable',
    });
  });
});
