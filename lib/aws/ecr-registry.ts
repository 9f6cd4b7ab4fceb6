/**
 * The scan's {@link Registry} port over the ECR API: DescribeRepositoryCreationTemplates,
 * DescribeRepositories and DescribeImages, each paginated at ECR's largest page.
 *
 * @module
 */
import {
  type ECRClient,
  paginateDescribeImages,
  paginateDescribeRepositories,
  paginateDescribeRepositoryCreationTemplates,
  type Repository,
} from '@aws-sdk/client-ecr';
import type { Registry, RegistryTemplatePage } from '../core/scan/registry.ts';

/** ECR's largest page (DescribeRepositories, DescribeImages: `maxResults` 1–1000). */
const ECR_PAGE_SIZE = 1000;

/**
 * A registry read through `ecr` (its account and region).
 *
 * @example
 * ```ts
 * const registry = createEcrRegistry(new ECRClient({ region: 'eu-west-1' }));
 * const repositories = await registry.listRepositories();
 * ```
 */
export function createEcrRegistry(ecr: ECRClient): Registry {
  return {
    async *templatePages(): AsyncIterable<RegistryTemplatePage> {
      for await (const page of paginateDescribeRepositoryCreationTemplates(
        { client: ecr, pageSize: ECR_PAGE_SIZE },
        {},
      )) {
        yield { registryId: page.registryId, templates: page.repositoryCreationTemplates ?? [] };
      }
    },

    async listRepositories(): Promise<Repository[]> {
      const all: Repository[] = [];
      for await (const page of paginateDescribeRepositories(
        { client: ecr, pageSize: ECR_PAGE_SIZE },
        {},
      )) {
        all.push(...(page.repositories ?? []));
      }
      return all;
    },

    async listTags(repositoryName: string): Promise<Map<string, string>> {
      const tags = new Map<string, string>();
      const pages = paginateDescribeImages(
        { client: ecr, pageSize: ECR_PAGE_SIZE },
        { repositoryName, filter: { tagStatus: 'TAGGED' } },
      );
      for await (const page of pages) {
        for (const image of page.imageDetails ?? []) {
          if (!image.imageDigest) continue;
          for (const tag of image.imageTags ?? []) tags.set(tag, image.imageDigest);
        }
      }
      return tags;
    },
  };
}
