/**
 * Baseline of dist/handlers/scheduled-scan.mjs: the scan's AWS calls, made directly (see
 * sdk.ts) with the handler's ECR client settings: the creation templates, the repositories, and
 * per repository its tags (ListImages, as the handler lists them) and ledger partition (read once: the handler takes the drift
 * witnesses from the tags it just listed), a push for each tag the ledger lacks, and the
 * configuration item; then the summary.
 */
import {
  ECRClient,
  paginateDescribeRepositories,
  paginateDescribeRepositoryCreationTemplates,
  paginateListImages,
  type Repository,
} from '@aws-sdk/client-ecr';
import { partition, publish, query, recordPush, standInAlert, updateConfig } from './sdk.ts';

const ecr = new ECRClient({
  retryMode: 'adaptive',
  maxAttempts: 10,
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
});

export const handler = async (
  _event: unknown,
  context: { invokedFunctionArn: string },
): Promise<{ repositories: number }> => {
  const account = context.invokedFunctionArn.split(':')[4] ?? '';
  const region = await ecr.config.region();
  const time = new Date().toISOString();
  for await (const _page of paginateDescribeRepositoryCreationTemplates(
    { client: ecr, pageSize: 1000 },
    {},
  )) {
    // Templates are judged in memory.
  }
  const repositories: Repository[] = [];
  for await (const page of paginateDescribeRepositories({ client: ecr, pageSize: 1000 }, {})) {
    repositories.push(...(page.repositories ?? []));
  }
  let next = 0;
  const worker = async () => {
    while (next < repositories.length) {
      const name = repositories[next++]?.repositoryName ?? '';
      const pk = partition(account, region, name);
      const tags = new Map<string, string>();
      const [, known] = await Promise.all([
        (async () => {
          for await (const page of paginateListImages(
            { client: ecr, pageSize: 1000 },
            { repositoryName: name, filter: { tagStatus: 'TAGGED' } },
          )) {
            for (const id of page.imageIds ?? []) tags.set(id.imageTag ?? '', id.imageDigest ?? '');
          }
        })(),
        query(pk),
      ] as const);
      const seen = new Set(known.map((item) => item.sk?.S));
      for (const [tag, digest] of tags) {
        if (!seen.has(`TAG#${tag}`)) await recordPush(pk, tag, digest, time, null);
      }
      await updateConfig(pk, JSON.stringify({ time }));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  await publish(standInAlert(`scan-${time}`, `Scanned ${repositories.length} repositories`));
  return { repositories: repositories.length };
};
