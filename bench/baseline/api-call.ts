/**
 * Baseline of dist/handlers/api-call.mjs: its AWS calls, made directly (see sdk.ts). A pushed
 * image moves the tag; a configuration change reads the repository's tags and updates its
 * configuration item; a deleted repository is forgotten.
 */
import { forget, partition, query, recordPush, updateConfig } from './sdk.ts';

interface CloudTrailEvent {
  account: string;
  region: string;
  detail: {
    eventName: string;
    eventTime: string;
    eventID?: string;
    requestParameters?: Record<string, unknown>;
    responseElements?: { image?: { imageId?: { imageTag?: string; imageDigest?: string } } };
  };
}

export const handler = async (event: CloudTrailEvent): Promise<void> => {
  const d = event.detail;
  const repository = String(d.requestParameters?.repositoryName ?? '');
  const pk = partition(event.account, event.region, repository);
  switch (d.eventName) {
    case 'PutImage': {
      const id = d.responseElements?.image?.imageId;
      if (id?.imageTag && id.imageDigest) {
        await recordPush(pk, id.imageTag, id.imageDigest, d.eventTime, d.eventID ?? null);
      }
      return;
    }
    case 'DeleteRepository':
      await forget(pk);
      return;
    default:
      await query(pk);
      await updateConfig(pk, JSON.stringify(d.requestParameters ?? {}));
  }
};
