/**
 * Variants of the AWS documentation samples (test/fixtures/aws-docs/, read through
 * test/support/fixtures.ts). Every call returns a fresh copy, so tests may mutate it.
 */
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';

/** A raw CloudTrail record for another ECR call, built on the PutImage sample's envelope fields. */
export function ecrRecord(
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown,
): Json {
  return {
    ...sample('cloudtrail-record-put-image'),
    eventName,
    requestParameters,
    responseElements,
  };
}

/** PutImage refused because the tag is immutable: errorCode set, responseElements null. */
export function blockedPutImage(): Json {
  return {
    ...sample('cloudtrail-record-put-image'),
    requestParameters: {
      repositoryName: 'testrepo',
      imageTag: 'v1',
      imageDigest: digest(2),
      registryId: ACCOUNT,
      imageManifest: '{"schemaVersion": 2}',
    },
    responseElements: null,
    errorCode: 'ImageTagAlreadyExistsException',
    errorMessage:
      "The image tag 'v1' already exists in the 'testrepo' repository and cannot be overwritten because the tag is immutable.",
  };
}

/** PutImage of content identical to what the tag already holds: not a finding. */
export function identicalRePush(): Json {
  return {
    ...blockedPutImage(),
    errorCode: 'ImageAlreadyExistsException',
    errorMessage: "Image with digest 'sha256:...' and tag 'v1' already exists",
  };
}

/** BatchDeleteImage of a tag, a digest and a missing tag (reported under failures). */
export function batchDeleteImage(): Json {
  return ecrRecord(
    'BatchDeleteImage',
    {
      registryId: ACCOUNT,
      repositoryName: 'testrepo',
      imageIds: [{ imageTag: 'latest' }, { imageDigest: digest(7) }, { imageTag: 'gone' }],
    },
    {
      imageIds: [{ imageDigest: digest(1), imageTag: 'latest' }, { imageDigest: digest(7) }],
      failures: [
        {
          imageId: { imageTag: 'gone' },
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found',
        },
      ],
    },
  );
}

/** PutImageTagMutability to IMMUTABLE_WITH_EXCLUSION with two filters. */
export function putImageTagMutability(): Json {
  const filters = [
    { filterType: 'WILDCARD', filter: 'dev-*' },
    { filterType: 'WILDCARD', filter: 'sha256-*' },
  ];
  return ecrRecord(
    'PutImageTagMutability',
    {
      repositoryName: 'testrepo',
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: filters,
    },
    {
      registryId: ACCOUNT,
      repositoryName: 'testrepo',
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: filters,
    },
  );
}

/** Create (or, with `update`, Update) RepositoryCreationTemplate for prefix `prod`. */
export function putTemplate(update = false): Json {
  return ecrRecord(
    update ? 'UpdateRepositoryCreationTemplate' : 'CreateRepositoryCreationTemplate',
    {
      prefix: 'prod',
      appliedFor: ['CREATE_ON_PUSH'],
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
    },
    {
      registryId: ACCOUNT,
      repositoryCreationTemplate: {
        prefix: 'prod',
        appliedFor: ['CREATE_ON_PUSH'],
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
        createdAt: 'Jul 24, 2025 1:00:00 AM',
      },
    },
  );
}

/** DeleteRepositoryCreationTemplate for prefix `prod`. */
export function deleteTemplate(): Json {
  return ecrRecord(
    'DeleteRepositoryCreationTemplate',
    { prefix: 'prod' },
    { registryId: ACCOUNT, repositoryCreationTemplate: { prefix: 'prod' } },
  );
}

/** DeleteRepository of `testrepo`. */
export function deleteRepository(): Json {
  return ecrRecord(
    'DeleteRepository',
    { repositoryName: 'testrepo', force: true },
    { repository: { repositoryName: 'testrepo', registryId: ACCOUNT } },
  );
}

/** An S3 record, as a CloudTrail log file holds next to ECR's. */
export function s3Record(): Json {
  return {
    ...sample('cloudtrail-record-put-image'),
    eventSource: 's3.amazonaws.com',
    eventName: 'PutObject',
    requestParameters: { bucketName: 'b', key: 'k' },
    responseElements: null,
  };
}

/** An ECR Image Action push by digest: no `image-tag`. */
export function pushByDigest(): Json {
  const event = sample('ecr-image-action-push');
  delete (event.detail as Json)['image-tag'];
  return event;
}

/** An ECR Image Action push that failed. */
export function failedPush(): Json {
  const event = sample('ecr-image-action-push');
  (event.detail as Json).result = 'FAILURE';
  return event;
}

/** A CloudTrail log file `{"Records": [...]}`. */
export function logFile(...records: readonly Json[]): Json {
  return { Records: records };
}
