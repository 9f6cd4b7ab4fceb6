/**
 * Findings for the interchange-format tests (ASFF, OCSF): arbitraries whose user-controlled text is
 * hostile — control characters, lone surrogates, 10,000-character values, blanks — in any
 * account and region, with ids of the real form, and the record key an importer would expect,
 * written from docs/formats.md rather than taken from the code.
 */
import fc from 'fast-check';
import { MUTABILITY_MODES } from '../../lib/core/model/config.ts';
import { FINDING_KINDS, type Finding, SEVERITIES } from '../../lib/core/model/findings.ts';
import { hostileFinding, hostileText } from '../alerts/findings.ts';
import { config } from '../support/config.ts';

/** Values long enough to pass every limit, alone or escaped, and strings of blanks only. */
const LONG_OR_BLANK = fc.oneof(
  fc.string({ unit: 'binary', minLength: 10_000, maxLength: 10_000 }),
  fc.constantFrom(
    '\u0001'.repeat(10_000),
    '🚨'.repeat(5_000),
    'a\ud83d'.repeat(5_000),
    `${'x'.repeat(9_999)}🚨`,
    ' '.repeat(10_000),
    ' \t\n\r\f\v',
    '',
  ),
);

/** Hostile text, sometimes very long or blank. */
const anyText = (maxParts = 12): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: hostileText(maxParts) },
    { weight: 1, arbitrary: LONG_OR_BLANK },
  );

/** Regions of every partition Security Hub names, and one it does not (an isolated one). */
const REGIONS = [
  'eu-west-1',
  'us-east-1',
  'ap-southeast-4',
  'cn-north-1',
  'us-gov-west-1',
  'us-iso-east-1',
] as const;

const time = fc
  .date({
    min: new Date('2020-01-01T00:00:00Z'),
    max: new Date('2030-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());

const configArb = fc
  .record({
    mode: fc.constantFrom(...MUTABILITY_MODES),
    filters: fc.array(anyText(3), { maxLength: 5 }),
  })
  .map(({ mode, filters }) => config(mode, ...filters));

/** A finding of any kind with hostile text in every field a user or an event controls. */
export const interchangeFinding: fc.Arbitrary<Finding> = fc
  .record({
    base: hostileFinding,
    kind: fc.constantFrom(...FINDING_KINDS),
    severity: fc.constantFrom(...SEVERITIES),
    hash: fc.stringMatching(/^[0-9a-f]{20}$/),
    account: fc.stringMatching(/^\d{12}$/),
    region: fc.constantFrom(...REGIONS),
    eventTime: fc.option(time, { nil: null }),
    repository: anyText(),
    templatePrefix: anyText(4),
    tag: fc.option(anyText(), { nil: null }),
    message: anyText(20),
    actor: fc.option(anyText(), { nil: null }),
    witnesses: fc.array(anyText(3), { maxLength: 5 }),
    expected: fc.option(configArb, { nil: null }),
    actual: fc.option(configArb, { nil: null }),
  })
  .map(({ base, kind, hash, repository, templatePrefix, ...rest }): Finding => {
    const template = kind === 'TEMPLATE_DRIFT';
    return {
      ...base,
      ...rest,
      kind,
      id: `${kind.toLowerCase().replaceAll('_', '-')}-${hash}`,
      // A template finding names its prefix, every other finding its repository.
      repository: template ? null : repository,
      templatePrefix: template ? templatePrefix : null,
    };
  });

/**
 * The record a finding should update, as docs/formats.md#records defines it: the repository for
 * a drift or its resolution, the template for a template drift, else the finding itself.
 */
export function expectedRecord(f: Finding): string {
  if (f.kind === 'CONFIG_DRIFT' || f.kind === 'CONFIG_DRIFT_RESOLVED')
    return JSON.stringify(['repository', f.account, f.region, f.repository]);
  if (f.kind === 'TEMPLATE_DRIFT')
    return JSON.stringify(['template', f.account, f.region, f.templatePrefix]);
  return JSON.stringify(['finding', f.id]);
}
