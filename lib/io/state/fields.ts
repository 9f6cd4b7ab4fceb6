/**
 * The field grammars of the `--state` file, as valibot schemas: the rules the intake applies to
 * events (lib/core/intake/fields.ts), so that a state file holds nothing an event could not.
 *
 * @module
 */
import * as v from 'valibot';
import {
  ACCOUNT,
  ACTOR_ARN,
  DIGEST,
  EVENT_ID,
  REGION,
  REPOSITORY,
  TAG,
  TEMPLATE_PREFIX,
  type TextRule,
} from '../../core/intake/fields.ts';
import { MUTABILITY_MODES } from '../../core/model/config.ts';
import { quote } from '../../core/model/text.ts';
import { canonicalTime, isIsoTime } from '../../core/model/time.ts';

/** A string that satisfies `rule`; the message quotes it, shortened. */
function text(rule: TextRule) {
  return v.pipe(
    v.string(),
    v.check(
      (value) => value.length <= rule.maxLength && rule.test(value),
      (issue) => `not ${rule.what}: ${quote(issue.input)}`,
    ),
  );
}

/**
 * An image tag (OCI grammar).
 *
 * @example
 * ```ts
 * v.is(TagText, 'v1'); // true
 * ```
 */
export const TagText = text(TAG);

/**
 * An image digest (`sha256:…`).
 *
 * @example
 * ```ts
 * v.is(DigestText, 'sha256:ab12'); // true
 * ```
 */
export const DigestText = text(DIGEST);

/**
 * An event id, as the intake accepts them.
 *
 * @example
 * ```ts
 * v.is(EventIdText, 'ia-PUSH-web-v1-0'); // true
 * ```
 */
export const EventIdText = text(EVENT_ID);

/**
 * A repository name ECR allows.
 *
 * @example
 * ```ts
 * v.is(RepositoryText, 'team/app'); // true
 * ```
 */
export const RepositoryText = text(REPOSITORY);

/**
 * A repository creation template prefix ECR allows (`ROOT` included).
 *
 * @example
 * ```ts
 * v.is(TemplatePrefixText, 'team/'); // true
 * ```
 */
export const TemplatePrefixText = text(TEMPLATE_PREFIX);

/**
 * An AWS region name.
 *
 * @example
 * ```ts
 * v.is(RegionText, 'eu-west-1'); // true
 * ```
 */
export const RegionText = text(REGION);

/**
 * Who made a change: an ARN, by the one ARN grammar the intake keeps actors by.
 *
 * @example
 * ```ts
 * v.is(ActorText, 'arn:aws:iam::123456789012:user/mary'); // true
 * ```
 */
export const ActorText = text(ACTOR_ARN);

/**
 * An AWS account id — or `unknown`, which a scan records when ECR reports no registry id
 * (lib/core/scan/scan.ts), so that a file this program wrote is always read back.
 *
 * @example
 * ```ts
 * v.is(AccountText, '123456789012'); // true
 * ```
 */
export const AccountText = text({
  what: ACCOUNT.what,
  maxLength: ACCOUNT.maxLength,
  test: (value) => value === 'unknown' || ACCOUNT.test(value),
});

/**
 * A time in the canonical form the ledger stores (`2025-07-24T00:05:00.000Z`), which it compares
 * as text: any other form would compare wrongly.
 *
 * @example
 * ```ts
 * v.is(TimeText, '2025-07-24T00:05:00.000Z'); // true
 * v.is(TimeText, '2025-07-24T00:05:00Z'); // false
 * ```
 */
export const TimeText = text({
  what: 'a canonical UTC time (YYYY-MM-DDTHH:MM:SS.mmmZ)',
  maxLength: 24,
  test: (value) => isIsoTime(value) && canonicalTime(value) === value,
});

/**
 * A tag-mutability configuration as the ledger stores it; filter values are whatever ECR
 * reported (lib/core/semantics/validate.ts reads them leniently).
 *
 * @example
 * ```ts
 * v.is(ConfigSchema, { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] }); // true
 * ```
 */
export const ConfigSchema = v.strictObject({
  imageTagMutability: v.picklist(MUTABILITY_MODES),
  imageTagMutabilityExclusionFilters: v.array(
    v.strictObject({ filterType: v.literal('WILDCARD'), filter: v.string() }),
  ),
});
