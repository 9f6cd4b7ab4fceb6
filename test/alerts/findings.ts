/**
 * Findings for the alert tests: a realistic one per kind, and arbitraries of findings whose
 * user-controlled text (repository, tag, actor, message…) is hostile to chat markdown.
 */
import fc from 'fast-check';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import {
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  makeFinding,
  SEVERITIES,
} from '../../lib/core/model/findings.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';

export const REGION = 'eu-west-1';

const IMMUTABLE_EXCEPT_DEV: MutabilityConfig = {
  imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
  imageTagMutabilityExclusionFilters: [
    { filterType: 'WILDCARD', filter: 'dev-*' },
    { filterType: 'WILDCARD', filter: 'sha256-*' },
  ],
};
const MUTABLE: MutabilityConfig = {
  imageTagMutability: 'MUTABLE',
  imageTagMutabilityExclusionFilters: [],
};

/** A plausible finding of `kind`; `overrides` replace any field. */
export function sampleFinding(
  kind: FindingKind = 'TAG_OVERWRITE_VIOLATION',
  overrides: Partial<Finding> = {},
): Finding {
  const drift = kind === 'CONFIG_DRIFT' || kind === 'TEMPLATE_DRIFT';
  const template = kind === 'TEMPLATE_DRIFT';
  return makeFinding({
    id: `${kind.toLowerCase().replaceAll('_', '-')}-0123456789abcdef0123`,
    kind,
    severity: kind === 'TAG_OVERWRITE_VIOLATION' || drift ? 'HIGH' : 'INFO',
    account: ACCOUNT,
    region: REGION,
    repository: template ? null : 'payments/api',
    templatePrefix: template ? 'payments' : null,
    tag: drift ? null : 'v1.2.3',
    previousDigest: kind.startsWith('TAG_OVERWRITE') ? digest(1) : null,
    digest: drift ? null : digest(2),
    viaDelete: kind.startsWith('TAG_OVERWRITE') ? false : null,
    expected: IMMUTABLE_EXCEPT_DEV,
    actual: drift ? MUTABLE : null,
    direction: drift ? 'LOOSENED' : null,
    witnesses: drift ? ['0', 'v1.2.3'] : [],
    actor: 'arn:aws:sts::123456789012:assumed-role/ci/build-42',
    eventId: '13cde686-328b-6117-af20-0e5566167482',
    eventTime: '2025-07-24T00:00:00.000Z',
    detectedBy: 'event',
    message: `Something happened to payments/api (${kind}).`,
    ...overrides,
  });
}

/** Pieces of text that try to format, link, mention or break out of a code span. */
const HOSTILE_FRAGMENTS = [
  '<!channel>',
  '<!here>',
  '<@U123>',
  '<#C123|general>',
  '<http://evil|click>',
  '[x](http://evil)',
  '`',
  '``',
  '```',
  '*bold*',
  '_it_',
  '~strike~',
  '> quote',
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\u2029',
  '&lt;!channel&gt;',
  '@here',
  '\u0000',
  '\u001b[31m',
  'é',
  '🚨',
  '\ud83d', // a lone surrogate
  '&amp;',
  '&',
  '<https://evil.example|text>',
  '\u200b', // zero-width space
  '\u2060', // word joiner
  '\u00ad', // soft hyphen
  '\u202e', // right-to-left override
  '\u{e0041}\u{e0000}\u{e007f}', // tag characters, assigned and not
  '\ufeff', // byte order mark
];

/** Text mixing hostile fragments with arbitrary Unicode. */
export const hostileText = (maxParts = 12): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...HOSTILE_FRAGMENTS),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.string({ maxLength: 8 }),
      ),
      { maxLength: maxParts },
    )
    .map((parts) => parts.join(''));

/** Findings of any kind whose user-controlled fields hold hostile text. */
export const hostileFinding: fc.Arbitrary<Finding> = fc
  .record({
    kind: fc.constantFrom(...FINDING_KINDS),
    severity: fc.constantFrom(...SEVERITIES),
    repository: fc.option(hostileText(), { nil: null }),
    templatePrefix: hostileText(4),
    tag: fc.option(hostileText(), { nil: null }),
    previousDigest: fc.option(hostileText(4), { nil: null }),
    digest: fc.option(hostileText(4), { nil: null }),
    actor: fc.option(hostileText(), { nil: null }),
    message: hostileText(20),
    witnesses: fc.array(hostileText(3), { maxLength: 5 }),
    eventId: fc.option(hostileText(3), { nil: null }),
    viaDelete: fc.boolean(),
  })
  .map((r) =>
    sampleFinding(r.kind, {
      ...r,
      templatePrefix: r.repository === null ? r.templatePrefix : null,
    }),
  );
