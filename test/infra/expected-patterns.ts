/**
 * The event patterns every EventBridge rule of the project must carry, written out from the
 * documentation (docs/intake.md; the ECR "Amazon ECR events and EventBridge" and CloudTrail
 * pages), not read from the code: a test comparing a rule with the code's own constant would pass
 * for any pattern.
 */

/** ECR Image Action events: successful pushes and deletes. */
export const EXPECTED_IMAGE_ACTION_PATTERN = {
  source: ['aws.ecr'],
  'detail-type': ['ECR Image Action'],
  detail: { 'action-type': ['PUSH', 'DELETE'], result: ['SUCCESS'] },
};

/** The eight audited ECR calls via CloudTrail (docs/intake.md), in the catalogue's order. */
export const EXPECTED_API_CALL_PATTERN = {
  source: ['aws.ecr'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ecr.amazonaws.com'],
    eventName: [
      'PutImage',
      'BatchDeleteImage',
      'CreateRepository',
      'DeleteRepository',
      'PutImageTagMutability',
      'CreateRepositoryCreationTemplate',
      'UpdateRepositoryCreationTemplate',
      'DeleteRepositoryCreationTemplate',
    ],
  },
};
