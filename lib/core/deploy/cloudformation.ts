/**
 * The CloudFormation shapes the project writes as data: values (literals and the intrinsic
 * functions used), IAM policy statements and documents. Shared by infra/ (the central stack) and
 * the member template (member-template.ts), so both speak one vocabulary.
 *
 * @module
 */

/**
 * A CloudFormation value: a literal or an intrinsic function.
 *
 * @example
 * ```ts
 * const bus: CfnValue = { Ref: 'CentralBusArn' };
 * ```
 */
export type CfnValue =
  | string
  | { readonly Ref: string }
  | { readonly 'Fn::GetAtt': readonly [string, string] }
  | { readonly 'Fn::Sub': string };

/**
 * One IAM policy statement.
 *
 * @example
 * ```ts
 * const put: PolicyStatement = {
 *   Sid: 'PutEventsOnTheCentralBus',
 *   Effect: 'Allow',
 *   Action: ['events:PutEvents'],
 *   Resource: [{ Ref: 'CentralBusArn' }],
 * };
 * ```
 */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?:
    | '*'
    | { readonly AWS: CfnValue | readonly CfnValue[] }
    | { readonly Service: string };
  readonly Action: readonly string[];
  readonly Resource: readonly CfnValue[];
  readonly Condition?: Readonly<
    Record<string, Readonly<Record<string, CfnValue | readonly CfnValue[]>>>
  >;
}

/**
 * A policy document.
 *
 * @example
 * ```ts
 * const doc: PolicyDocument = { Version: '2012-10-17', Statement: [] };
 * ```
 */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}
