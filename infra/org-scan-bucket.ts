/**
 * The organization scan's bucket (docs/organization-scan.md): each execution's plan, which the
 * Distributed Map reads with its `ItemReader`, and the Map run's results, which its `ResultWriter`
 * writes and org-summary reads. Encrypted (SSE-S3), public access blocked, objects owned by the
 * bucket owner (no ACLs), TLS only, every object expired after {@link ORG_SCAN_OBJECT_DAYS} days.
 * Retained when the stack is deleted: CloudFormation cannot delete a bucket that still holds
 * objects, and these expire on their own.
 *
 * @module
 */
import type {
  CfnValue,
  PolicyDocument,
  PolicyStatement,
} from '../lib/core/deploy/cloudformation.ts';
import { PLAN_PREFIX, RESULTS_PREFIX } from '../lib/core/org/bucket-layout.ts';

/** The bucket's logical id, and its policy's. */
export const ORG_SCAN_BUCKET = { bucket: 'OrgScanBucket', policy: 'OrgScanBucketPolicy' } as const;

/** Days an object (a plan, a Map run's results) is kept: two weeks of daily runs to look into. */
export const ORG_SCAN_OBJECT_DAYS = 14;

/** The ARN of the objects under `prefix` of the bucket (`<bucket ARN>/<prefix>*`). */
function orgScanObjectsArn(prefix: string): CfnValue {
  return { 'Fn::Sub': `\${${ORG_SCAN_BUCKET.bucket}.Arn}/${prefix}*` };
}

/** The plans' objects (`plans/*`): org-plan writes them, the state machine reads them. */
export const PLAN_OBJECTS_ARN = orgScanObjectsArn(PLAN_PREFIX);

/** The results' objects (`results/*`): the state machine writes them, org-summary reads them. */
export const RESULT_OBJECTS_ARN = orgScanObjectsArn(`${RESULTS_PREFIX}/`);

/**
 * The `Properties` of the `AWS::S3::Bucket` (no name: CloudFormation makes a unique one).
 *
 * @example
 * ```ts
 * orgScanBucketProperties().LifecycleConfiguration.Rules[0].ExpirationInDays; // 14
 * ```
 */
export function orgScanBucketProperties() {
  return {
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ],
    },
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    LifecycleConfiguration: {
      Rules: [
        {
          Id: 'expire-org-scan-objects',
          Status: 'Enabled',
          ExpirationInDays: ORG_SCAN_OBJECT_DAYS,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    },
  };
}

/**
 * The `Properties` of its `AWS::S3::BucketPolicy`: every request without TLS denied.
 *
 * @example
 * ```ts
 * orgScanBucketPolicyProperties().PolicyDocument.Statement[0].Sid; // 'DenyInsecureTransport'
 * ```
 */
export function orgScanBucketPolicyProperties() {
  const bucketArn: CfnValue = { 'Fn::GetAtt': [ORG_SCAN_BUCKET.bucket, 'Arn'] };
  const statements: PolicyStatement[] = [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      // A Deny may be broad: every S3 action on this bucket and its objects requires TLS.
      Action: ['s3:*'],
      Resource: [bucketArn, orgScanObjectsArn('')],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  return {
    Bucket: { Ref: ORG_SCAN_BUCKET.bucket },
    PolicyDocument: { Version: '2012-10-17', Statement: statements } satisfies PolicyDocument,
  };
}
