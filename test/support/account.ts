/**
 * The AWS account id of the tests: the one the AWS documentation samples use, so that events built
 * by hand and events built from the samples belong to the same account.
 *
 * @example
 * ```ts
 * const arn = `arn:aws:ecr:us-east-2:${ACCOUNT}:repository/app`;
 * ```
 */
export const ACCOUNT = '123456789012';
