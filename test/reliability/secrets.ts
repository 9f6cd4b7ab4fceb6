/**
 * CloudTrail records carrying what must never reach logs or alerts: access key ids, session
 * details (issuer, principal id with a person's e-mail), source IP, user agent, image manifests.
 * Everything but the actor ARN, which alerts name on purpose.
 */
import { SAMPLE } from '../runtime/support.ts';
import { digest } from '../support/digest.ts';
import { apiCallEvent } from './support.ts';

/** What a record below carries that must appear nowhere. */
export interface Secrets {
  readonly accessKeyId: string;
  readonly principal: string;
  readonly email: string;
  readonly issuer: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly manifestMarker: string;
}

/** Fixed secrets, recognisable in any output. */
export const FIXED_SECRETS: Secrets = {
  accessKeyId: 'ASIASECRETKEYID00001',
  principal: 'AROASECRETPRINCIPAL',
  email: 'jane.doe@example.com',
  issuer: 'SECRET-ISSUER-ROLE',
  sourceIp: '198.51.100.77',
  userAgent: 'SecretAgent/9.9 (jane-laptop)',
  manifestMarker: 'SECRETMANIFESTCONFIG',
};

/** The strings of {@link FIXED_SECRETS}. */
export const SECRETS: readonly string[] = Object.values(FIXED_SECRETS);

/** A CloudTrail PutImage record full of secrets, as EventBridge forwards it. */
export function secretPutImage(
  repository: string,
  tag: string,
  d: number,
  eventId: string,
  time: string,
  secrets: Secrets = FIXED_SECRETS,
  actor = 'arn:aws:sts::123456789012:assumed-role/ci/build-77',
): Record<string, unknown> {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { digest: `sha256:${secrets.manifestMarker}` },
  });
  return apiCallEvent(
    {
      eventVersion: '1.08',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `${secrets.principal}:${secrets.email}`,
        arn: actor,
        accountId: SAMPLE.account,
        accessKeyId: secrets.accessKeyId,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: secrets.principal,
            arn: `arn:aws:iam::${SAMPLE.account}:role/${secrets.issuer}`,
            accountId: SAMPLE.account,
            userName: secrets.issuer,
          },
          webIdFederationData: {},
          attributes: { creationDate: time, mfaAuthenticated: 'false' },
          sourceIdentity: secrets.email,
        },
      },
      eventTime: time,
      eventSource: 'ecr.amazonaws.com',
      eventName: 'PutImage',
      awsRegion: SAMPLE.region,
      sourceIPAddress: secrets.sourceIp,
      userAgent: secrets.userAgent,
      requestParameters: {
        repositoryName: repository,
        imageTag: tag,
        registryId: SAMPLE.account,
        imageManifest: manifest,
      },
      responseElements: {
        image: {
          repositoryName: repository,
          imageManifest: manifest,
          registryId: SAMPLE.account,
          imageId: { imageDigest: digest(d), imageTag: tag },
        },
      },
      tlsDetails: { clientProvidedHostHeader: `api.ecr.${SAMPLE.region}.amazonaws.com` },
      requestID: `req-${eventId}`,
      eventID: eventId,
      eventType: 'AwsApiCall',
      recipientAccountId: SAMPLE.account,
    },
    { id: `eb-${eventId}`, time },
  );
}

/** A push, its overwrite, another overwrite, a malformed record and a non-ECR event. */
export function secretBearingEvents(repository: string, secrets: Secrets = FIXED_SECRETS) {
  const actor = 'arn:aws:sts::123456789012:assumed-role/ci/build-77';
  const malformed = secretPutImage(
    repository,
    'v2',
    9,
    `${repository}/bad`,
    '2025-07-24T10:03:00Z',
    secrets,
  );
  const image = (
    (malformed.detail as Record<string, unknown>).responseElements as {
      image: { imageId: Record<string, unknown> };
    }
  ).image;
  delete image.imageId.imageDigest;
  const notEcr = secretPutImage(
    repository,
    'v3',
    9,
    `${repository}/iam`,
    '2025-07-24T10:04:00Z',
    secrets,
  );
  notEcr.source = 'aws.iam';
  (notEcr.detail as Record<string, unknown>).eventSource = 'iam.amazonaws.com';
  return {
    actor,
    push: secretPutImage(
      repository,
      'v1',
      1,
      `${repository}/1`,
      '2025-07-24T10:00:00Z',
      secrets,
      actor,
    ),
    overwrite: secretPutImage(
      repository,
      'v1',
      2,
      `${repository}/2`,
      '2025-07-24T10:01:00Z',
      secrets,
      actor,
    ),
    overwriteAgain: secretPutImage(
      repository,
      'v1',
      3,
      `${repository}/3`,
      '2025-07-24T10:05:00Z',
      secrets,
      actor,
    ),
    malformed,
    notEcr,
  };
}
