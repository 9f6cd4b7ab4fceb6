/**
 * Raw EventBridge events for the runtime tests, built from the AWS documentation samples in
 * test/fixtures/aws-docs/. Every call returns a fresh copy.
 */
import { join } from 'node:path';
import { BUS, TABLE, TOPIC } from '../aws/support.ts';
import { ACCOUNT } from '../support/account.ts';
import { type SampleName, sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import { eventUuid } from '../support/uuid.ts';

/** The account, region and repository of the ECR Image Action samples. */
export const SAMPLE = {
  account: ACCOUNT,
  region: 'us-west-2',
  repository: 'my-repository-name',
  digest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
} as const;

/** What to change in an ECR Image Action sample. */
export interface ImageActionChange {
  id?: string;
  time?: string;
  repository?: string;
  tag?: string | null;
  digest?: string;
}

function imageAction(name: SampleName, change: ImageActionChange): Json {
  const event = sample(name);
  const detail = event.detail as Json;
  if (change.id !== undefined) event.id = eventUuid(change.id);
  if (change.time !== undefined) event.time = change.time;
  if (change.repository !== undefined) detail['repository-name'] = change.repository;
  if (change.digest !== undefined) detail['image-digest'] = change.digest;
  if (change.tag === null) delete detail['image-tag'];
  else if (change.tag !== undefined) detail['image-tag'] = change.tag;
  return event;
}

/** The ECR Image Action PUSH sample, changed. */
export function imagePush(change: ImageActionChange = {}): Json {
  return imageAction('ecr-image-action-push', change);
}

/** The ECR Image Action DELETE sample, changed. */
export function imageDelete(change: ImageActionChange = {}): Json {
  return imageAction('ecr-image-action-delete', change);
}

/** What to change in the EventBridge-forwarded CloudTrail PutImage sample. */
export interface PutImageChange {
  eventId?: string;
  time?: string;
  account?: string;
  region?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  actor?: string;
}

/**
 * The `AWS API Call via CloudTrail` PutImage sample, changed; by default it reports the same push
 * as the ECR Image Action PUSH sample (account, region, repository, tag `latest`, digest).
 */
export function cloudTrailPutImage(change: PutImageChange = {}): Json {
  const event = sample('eventbridge-cloudtrail-put-image');
  const detail = event.detail as Json;
  const request = detail.requestParameters as Json;
  const image = (detail.responseElements as Json).image as Json;
  const imageId = image.imageId as Json;
  const repository = change.repository ?? SAMPLE.repository;
  const tag = change.tag ?? 'latest';
  event.account = change.account ?? SAMPLE.account;
  event.region = change.region ?? SAMPLE.region;
  detail.awsRegion = event.region;
  if (change.time !== undefined) {
    event.time = change.time;
    detail.eventTime = change.time;
  }
  if (change.eventId !== undefined) detail.eventID = eventUuid(change.eventId);
  if (change.actor !== undefined) {
    detail.userIdentity = { type: 'AssumedRole', arn: change.actor, accountId: event.account };
  }
  request.repositoryName = repository;
  request.imageTag = tag;
  image.repositoryName = repository;
  imageId.imageTag = tag;
  imageId.imageDigest = change.digest ?? SAMPLE.digest;
  return event;
}

/**
 * The environment of a built handler bundle run in a child process against the loopback fakes,
 * as Lambda would set it: dummy credentials, no config files, the SDK's endpoint variables.
 */
export function bundleEnv(
  work: string,
  endpoints: {
    readonly dynamodb: string;
    readonly sns: string;
    readonly eventbridge: string;
    readonly ecr?: string;
  },
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    TZ: 'UTC',
    AWS_REGION: SAMPLE.region,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(work, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
    LEDGER_TABLE_NAME: TABLE,
    ALERTS_TOPIC_ARN: TOPIC,
    FINDINGS_BUS_ARN: BUS,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
    ...(endpoints.ecr ? { AWS_ENDPOINT_URL_ECR: endpoints.ecr } : {}),
  };
}
