/**
 * The scan's {@link Registry} port over the ECR API: DescribeRepositoryCreationTemplates,
 * DescribeRepositories and ListImages, each paginated at ECR's largest page. The tags are read
 * with ListImages, not DescribeImages: the scan needs only tag → digest, which is all ListImages
 * answers (`imageIds`), so its answers are far smaller to receive and parse.
 *
 * @module
 */
import {
  type ECRClient,
  paginateDescribeRepositories,
  paginateDescribeRepositoryCreationTemplates,
  paginateListImages,
  type Repository,
} from '@aws-sdk/client-ecr';
import type { Registry, RegistryTemplatePage } from '../core/scan/registry.ts';

/** ECR's largest page (DescribeRepositories, ListImages: `maxResults` 1–1000). */
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

    /**
     * Every tag of `repositoryName` → the digest it names now, from ListImages filtered to
     * tagged images: one image id per tag (an image with three tags is three ids), pages of up to
     * 1000 ids. Like DescribeImages it lists only active images (no `imageStatus` filter sent).
     * An id without a digest or a tag is skipped.
     */
    async listTags(repositoryName: string): Promise<Map<string, string>> {
      const tags = new Map<string, string>();
      const pages = paginateListImages(
        { client: ecr, pageSize: ECR_PAGE_SIZE },
        { repositoryName, filter: { tagStatus: 'TAGGED' } },
      );
      for await (const page of pages) {
        for (const { imageDigest, imageTag } of page.imageIds ?? []) {
          if (imageDigest && imageTag) tags.set(imageTag, imageDigest);
        }
      }
      return tags;
    },
  };
}
