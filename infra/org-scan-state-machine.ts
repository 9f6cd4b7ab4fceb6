/**
 * The organization scan's state machine, in Amazon States Language (docs/organization-scan.md):
 * `Plan` (org-plan: accounts × regions, written to the stack's bucket) → `ScanItems`, a
 * Distributed Map that reads them there (`ItemReader`), whose child executions each run org-item
 * over one account-region, and which writes their results there (`ResultWriter`) → `Summarize`
 * (org-summary: reads the results, sends one alert for the organization). Nothing that grows with
 * the organization passes between states: the 256 KiB payload limit does not bound it. The function ARNs are `${…}` placeholders that CloudFormation fills from
 * `DefinitionSubstitutions` ({@link ORG_SCAN_SUBSTITUTIONS}).
 *
 * Fields per the Step Functions Developer Guide, "Using Map state in Distributed mode"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html) and
 * "Handling errors in Step Functions workflows"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html),
 * "ItemReader (Map)"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html) and
 * "ResultWriter (Map)"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
 *
 * @module
 */
import { RESULTS_PREFIX } from '../lib/core/org/bucket-layout.ts';

/** The `DefinitionSubstitutions` keys of the three functions' ARNs. */
export const ORG_SCAN_SUBSTITUTIONS = {
  plan: 'OrgPlanFunctionArn',
  item: 'OrgItemFunctionArn',
  summary: 'OrgSummaryFunctionArn',
} as const;

/** The label of the Distributed Map (it names its Map Runs and child executions). */
export const ORG_SCAN_MAP_LABEL = 'ScanItems';

/** The options of the state machine. */
export interface OrgScanOptions {
  /** The share of failed child executions (0–100) the Map run tolerates; default 10. */
  readonly toleratedFailurePercentage?: number;
}

/**
 * The errors of a Lambda invocation worth retrying: the service's own failures and throttling
 * (Developer Guide, "Handle transient Lambda service exceptions").
 */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * Errors an item raises that are worth a later attempt: an AWS API throttled beyond the SDK's own
 * retries (ECR, STS), and alerts SNS refused (they are stored as pending meanwhile).
 */
export const ITEM_TRANSIENT_ERRORS = [
  'ThrottlingException',
  'TooManyRequestsException',
  'AlertDeliveryError',
] as const;

const placeholder = (key: string) => `\${${key}}`;

/** Retries of a Lambda state: backoff with full jitter, capped. */
const LAMBDA_RETRY = {
  ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
} as const;

/**
 * The state machine's definition.
 *
 * @example
 * ```ts
 * JSON.stringify(orgScanDefinition({ toleratedFailurePercentage: 10 })); // the DefinitionString
 * ```
 */
export function orgScanDefinition(options: OrgScanOptions = {}) {
  return {
    Comment: 'ecr-tag-auditor organization scan: plan, scan every account-region, summarize',
    StartAt: 'Plan',
    States: {
      Plan: {
        Type: 'Task',
        Resource: placeholder(ORG_SCAN_SUBSTITUTIONS.plan),
        // The execution's name keys its plan in the bucket.
        Parameters: { 'execution.$': '$$.Execution.Name' },
        // { bucket, key, count, accounts, maxConcurrency }: where the items are, not the items.
        ResultPath: '$.plan',
        Retry: [LAMBDA_RETRY],
        Next: ORG_SCAN_MAP_LABEL,
      },
      [ORG_SCAN_MAP_LABEL]: {
        Type: 'Map',
        Label: ORG_SCAN_MAP_LABEL,
        // The items: the plan's JSON array object in the bucket.
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { 'Bucket.$': '$.plan.bucket', 'Key.$': '$.plan.key' },
        },
        // Child executions at once: the `orgMaxConcurrency` parameter, through the plan.
        MaxConcurrencyPath: '$.plan.maxConcurrency',
        ToleratedFailurePercentage: options.toleratedFailurePercentage ?? 10,
        ItemProcessor: {
          // STANDARD: an item may take the item function's 15 minutes (EXPRESS children stop at 5).
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'ScanItem',
          States: {
            ScanItem: {
              Type: 'Task',
              Resource: placeholder(ORG_SCAN_SUBSTITUTIONS.item),
              Retry: [
                LAMBDA_RETRY,
                {
                  ErrorEquals: [...ITEM_TRANSIENT_ERRORS],
                  IntervalSeconds: 30,
                  MaxAttempts: 2,
                  BackoffRate: 2,
                  JitterStrategy: 'FULL',
                },
              ],
              // Whatever still fails becomes a result naming the account-region and the error.
              Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ItemFailed' }],
              End: true,
            },
            ItemFailed: {
              Type: 'Pass',
              Parameters: {
                status: 'FAILED',
                'account.$': '$.account',
                'region.$': '$.region',
                'error.$': '$.error.Error',
                'cause.$': '$.error.Cause',
              },
              End: true,
            },
          },
        },
        // Every child's result to the bucket (`<prefix>/<map run id>/manifest.json` and the
        // SUCCEEDED_n/FAILED_n files); the state's output is then only where the manifest is.
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { 'Bucket.$': '$.plan.bucket', Prefix: RESULTS_PREFIX },
        },
        ResultPath: '$.results',
        Next: 'Summarize',
      },
      Summarize: {
        Type: 'Task',
        Resource: placeholder(ORG_SCAN_SUBSTITUTIONS.summary),
        Parameters: {
          'startedAt.$': '$$.Execution.StartTime',
          'results.$': '$.results.ResultWriterDetails',
        },
        Retry: [
          LAMBDA_RETRY,
          {
            ErrorEquals: ['AlertDeliveryError'],
            IntervalSeconds: 30,
            MaxAttempts: 3,
            BackoffRate: 2,
            JitterStrategy: 'FULL',
          },
        ],
        End: true,
      },
    },
  };
}
