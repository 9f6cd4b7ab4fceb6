/**
 * The Lambda functions' settings, from the environment (runtime contract: LEDGER_TABLE_NAME,
 * ALERTS_TOPIC_ARN, FINDINGS_BUS_ARN, ALERT_MIN_SEVERITY, POLICY_PATH). Endpoints and region come from the SDK's
 * own variables (AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>).
 *
 * @module
 */
import { parseArn } from '../core/model/arn.ts';
import { parseSeverity, type Severity } from '../core/model/findings.ts';
import { sealPolicy } from '../core/policy/seal.ts';
import type { Policy } from '../core/policy/types.ts';

/** A setting is missing or wrong: the function cannot run. */
class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** The functions' settings. */
export interface RuntimeSettings {
  readonly tableName: string;
  readonly topicArn: string;
  /** The event bus every finding is put on (docs/eventbridge.md). */
  readonly eventBusArn: string;
  readonly minSeverity: Severity;
  /** A policy file to read at run time; undefined: the policy bundled at build time. */
  readonly policyPath: string | undefined;
}

/** Reads the settings; every problem is named in one error. */
export function readSettings(env: Readonly<Record<string, string | undefined>>): RuntimeSettings {
  const problems: string[] = [];
  const tableName = env.LEDGER_TABLE_NAME ?? '';
  const topicArn = env.ALERTS_TOPIC_ARN ?? '';
  if (!tableName) problems.push('LEDGER_TABLE_NAME is not set');
  const topic = parseArn(topicArn);
  const isTopicArn =
    topic?.service === 'sns' &&
    topic.region !== '' &&
    topic.account !== '' &&
    /^[\w-]{1,256}$/.test(topic.resource);
  if (!isTopicArn) {
    problems.push(`ALERTS_TOPIC_ARN is not an SNS topic ARN (got "${topicArn}")`);
  }
  const eventBusArn = env.FINDINGS_BUS_ARN ?? '';
  const bus = parseArn(eventBusArn);
  const isBusArn =
    bus?.service === 'events' &&
    bus.region !== '' &&
    bus.account !== '' &&
    /^event-bus\/[\w.-]{1,256}$/.test(bus.resource);
  if (!isBusArn) {
    problems.push(`FINDINGS_BUS_ARN is not an EventBridge event bus ARN (got "${eventBusArn}")`);
  }
  const minSeverity = parseSeverity(env.ALERT_MIN_SEVERITY ?? 'LOW');
  if (!minSeverity)
    problems.push(
      `ALERT_MIN_SEVERITY must be INFO, LOW, MEDIUM or HIGH (got "${env.ALERT_MIN_SEVERITY}")`,
    );
  if (problems.length > 0 || !minSeverity) throw new ConfigurationError(problems.join('; '));
  return {
    tableName,
    topicArn,
    eventBusArn,
    minSeverity,
    policyPath: env.POLICY_PATH || undefined,
  };
}

/** The policy validated by the build (scripts/build.mjs) and inlined as JSON, when bundled. */
declare const __BUNDLED_POLICY__: Policy | undefined;

/**
 * Loads the policy: POLICY_PATH when set, else the one validated and inlined at build time
 * (outside a bundle, the repository's policy.yml). Throws a PolicyError naming file, line and
 * column.
 *
 * The policy reader (and its YAML parser) is imported only when a file must be read: in the
 * bundles it is a chunk of its own, so a cold start with the bundled policy never loads it.
 */
export async function loadRuntimePolicy(
  settings: Pick<RuntimeSettings, 'policyPath'>,
): Promise<Policy> {
  if (!settings.policyPath && typeof __BUNDLED_POLICY__ !== 'undefined') {
    return sealPolicy(__BUNDLED_POLICY__);
  }
  const { loadPolicy } = await import('../io/policy/load.ts');
  return loadPolicy(settings.policyPath ?? 'policy.yml');
}
