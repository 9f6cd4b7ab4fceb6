/**
 * `ecr-tag-auditor member-template`: prints the CloudFormation template for the member accounts
 * of an organization (docs/organization.md), the same the build writes to
 * `dist/member-template.json`.
 *
 * @module
 */
import { isEventBusArn, isRoleArn } from '../core/deploy/central-arns.ts';
import { memberTemplate } from '../core/deploy/member-template.ts';
import { parseCommandArgs } from './args.ts';
import { type CliIO, EXIT, UsageError } from './io.ts';

/** Help text of `member-template`. */
const MEMBER_TEMPLATE_HELP = `Usage: ecr-tag-auditor member-template [--central-bus-arn ARN] [--central-scan-role-arn ARN]

Prints, as JSON, the CloudFormation template to deploy with a StackSet to every member
account and region of an AWS Organization: rules that forward ECR events to the central
stack's bus, and, once per account (in HomeRegion), the forwarding role and a read-only
scan role for the central scan. See docs/organization.md.

Options:
      --central-bus-arn ARN        default of the CentralBusArn parameter (the central
                                   stack's EventBusArn output)
      --central-scan-role-arn ARN  default of the CentralScanRoleArn parameter (the central
                                   stack's OrgScanItemRoleArn output)
  -h, --help                       show this help

Without an option, the parameter has no default and the StackSet must be given it.

Exit codes: 0 printed, 2 usage error (an option that is not such an ARN).
`;

/**
 * Runs `member-template`.
 *
 * @example
 * ```ts
 * await memberTemplateCommand(['--central-bus-arn', busArn], io); // prints the template, 0
 * ```
 */
export async function memberTemplateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('member-template', argv, {
    'central-bus-arn': { type: 'string' },
    'central-scan-role-arn': { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(MEMBER_TEMPLATE_HELP);
    return EXIT.OK;
  }
  if (positionals.length > 0) throw new UsageError('member-template: takes no arguments');
  const centralBusArn = values['central-bus-arn'];
  const centralScanRoleArn = values['central-scan-role-arn'];
  if (centralBusArn !== undefined && !isEventBusArn(centralBusArn))
    throw new UsageError(
      `member-template: --central-bus-arn must be an EventBridge event bus ARN (arn:aws:events:REGION:ACCOUNT:event-bus/NAME), got "${centralBusArn}"`,
    );
  if (centralScanRoleArn !== undefined && !isRoleArn(centralScanRoleArn))
    throw new UsageError(
      `member-template: --central-scan-role-arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got "${centralScanRoleArn}"`,
    );
  const template = memberTemplate({
    ...(centralBusArn === undefined ? {} : { centralBusArn }),
    ...(centralScanRoleArn === undefined ? {} : { centralScanRoleArn }),
  });
  io.stdout.write(`${JSON.stringify(template, null, 2)}\n`);
  return EXIT.OK;
}
