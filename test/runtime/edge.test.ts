/**
 * The Lambda edge check admits exactly ECR's EventBridge events. Its definition is derived from
 * the intake's catalogue, so the expectations here are written out from the AWS documentation
 * (source, detail-types, eventSource), not read from the code.
 */
import { describe, expect, it } from 'vitest';
import { rejectNonEcrEvent } from '../../lib/runtime/edge.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';

const withDetail = (event: Json, patch: Json): Json => ({
  ...event,
  detail: { ...(event.detail as Json), ...patch },
});

describe('rejectNonEcrEvent', () => {
  it.each([
    ['an ECR Image Action PUSH', sample('ecr-image-action-push')],
    ['an ECR Image Action DELETE', sample('ecr-image-action-delete')],
    ['an ECR call via CloudTrail', sample('eventbridge-cloudtrail-put-image')],
    [
      'an ECR call the intake does not audit (it is skipped later, not refused here)',
      withDetail(sample('eventbridge-cloudtrail-put-image'), { eventName: 'DescribeImages' }),
    ],
  ])('admits %s', (_name, event) => {
    // Act
    const reason = rejectNonEcrEvent(event);

    // Assess
    expect(reason).toBeNull();
  });

  it.each([
    [
      'another source',
      { ...sample('ecr-image-action-push'), source: 'aws.ecs' },
      'not an ECR EventBridge event (source "aws.ecs", detail-type "ECR Image Action")',
    ],
    [
      'another ECR detail-type',
      { ...sample('ecr-image-action-push'), 'detail-type': 'ECR Image Scan' },
      'not an ECR EventBridge event (source "aws.ecr", detail-type "ECR Image Scan")',
    ],
    [
      "another service's call under source aws.ecr",
      withDetail(sample('eventbridge-cloudtrail-put-image'), { eventSource: 's3.amazonaws.com' }),
      'not an ECR EventBridge event (source "aws.ecr", detail-type "AWS API Call via CloudTrail", eventSource "s3.amazonaws.com")',
    ],
    [
      'an event without a detail object',
      { ...sample('ecr-image-action-push'), detail: 'PUSH' },
      'not an ECR EventBridge event (source "aws.ecr", detail-type "ECR Image Action", detail string)',
    ],
  ])('refuses %s, naming what it is', (_name, event, expected) => {
    // Act
    const reason = rejectNonEcrEvent(event);

    // Assess
    expect(reason).toBe(expected);
  });
});
