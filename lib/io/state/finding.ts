/**
 * A finding stored in the `--state` file (a configuration record's last finding, returned again
 * on a redelivery), validated field by field as docs/findings.md defines them: a corrupt one
 * would otherwise be printed as it is.
 *
 * @module
 */
import * as v from 'valibot';
import {
  type DetectedBy,
  type Direction,
  FINDING_KINDS,
  SEVERITIES,
} from '../../core/model/findings.ts';
import {
  AccountText,
  ActorText,
  ConfigSchema,
  DigestText,
  EventIdText,
  RegionText,
  RepositoryText,
  TagText,
  TemplatePrefixText,
  TimeText,
} from './fields.ts';

const DIRECTIONS = ['EQUAL', 'LOOSENED', 'TIGHTENED', 'CHANGED'] as const satisfies Direction[];
const DETECTED_BY = ['event', 'scan', 'snapshot'] as const satisfies DetectedBy[];

/**
 * The schema of a stored finding.
 *
 * @example
 * ```ts
 * v.safeParse(FindingSchema, record.finding).success;
 * ```
 */
export const FindingSchema = v.strictObject({
  // `kind-in-lower-case-` and 20 hex digits (findingId, lib/core/model/findings.ts).
  id: v.pipe(v.string(), v.regex(/^[a-z]+(?:-[a-z]+)*-[0-9a-f]{20}$/, 'not a finding id')),
  kind: v.picklist(FINDING_KINDS),
  severity: v.picklist(SEVERITIES),
  account: AccountText,
  region: RegionText,
  repository: v.nullable(RepositoryText),
  templatePrefix: v.nullable(TemplatePrefixText),
  tag: v.nullable(TagText),
  previousDigest: v.nullable(DigestText),
  digest: v.nullable(DigestText),
  viaDelete: v.nullable(v.boolean()),
  expected: v.nullable(ConfigSchema),
  actual: v.nullable(ConfigSchema),
  direction: v.nullable(v.picklist(DIRECTIONS)),
  witnesses: v.array(TagText),
  actor: v.nullable(ActorText),
  eventId: v.nullable(EventIdText),
  eventTime: v.nullable(TimeText),
  detectedBy: v.picklist(DETECTED_BY),
  message: v.string(),
});
