/**
 * The scan's registry over the ECR API (lib/aws/ecr-registry.ts) against the fake ECR: the tags
 * are read with ListImages (one image id per tag, pages of 1000 ids), never with DescribeImages.
 */
import type { ListImagesCommandOutput } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import { ecrClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import type { StartedServer } from '../fakes/http.ts';
import { digest } from '../support/digest.ts';

const ecr = new FakeEcr();
let server: StartedServer;

beforeAll(async () => {
  server = await ecr.start();
});
afterAll(() => server.close());
beforeEach(() => {
  ecr.reset();
  ecr.repositories.clear();
});

describe('createEcrRegistry: listTags', () => {
  it('maps every tag of images with several tags to its digest across pages of ListImages, with no DescribeImages', async () => {
    // Prepare: 900 images with three tags each (2,700 image ids: three pages of at most 1000),
    // and an untagged image, which is no tag.
    ecr.addRepository('app');
    const expected = new Map<string, string>();
    for (let i = 0; i < 900; i++) {
      for (const tag of [`v${i}`, `build-${i}`, `sha-${i}`]) {
        ecr.pushImage('app', tag, digest(i));
        expected.set(tag, digest(i));
      }
    }
    ecr.pushImage('app', undefined, digest(99_999));

    // Act
    const tags = await createEcrRegistry(ecrClient(server)).listTags('app');

    // Assess: the full map, from three ListImages pages of tagged images and no DescribeImages.
    expect(tags).toEqual(expected);
    expect(tags.size).toBe(2700);
    expect(ecr.count('DescribeImages')).toBe(0);
    expect(ecr.requests.filter((r) => r.operation === 'ListImages').map((r) => r.body)).toEqual([
      { repositoryName: 'app', maxResults: 1000, filter: { tagStatus: 'TAGGED' } },
      ...Array.from({ length: 2 }, () => ({
        repositoryName: 'app',
        maxResults: 1000,
        filter: { tagStatus: 'TAGGED' },
        nextToken: expect.any(String),
      })),
    ]);
  });

  it('maps a tag moved to another image to the digest it names now', async () => {
    // Prepare: v1 pushed at digest 1, then moved to digest 2 (digest 1 stays, tagged latest).
    ecr.addRepository('app');
    ecr.pushImage('app', 'v1', digest(1));
    ecr.pushImage('app', 'latest', digest(1));
    ecr.pushImage('app', 'v1', digest(2));

    // Act
    const tags = await createEcrRegistry(ecrClient(server)).listTags('app');

    // Assess
    expect(tags).toEqual(
      new Map([
        ['latest', digest(1)],
        ['v1', digest(2)],
      ]),
    );
  });

  it('skips an image id without a digest or without a tag', async () => {
    // Prepare: the fake's answer, with two incomplete ids added after it is parsed.
    ecr.addRepository('app');
    ecr.pushImage('app', 'v1', digest(1));
    const client = ecrClient(server);
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const output = result.output as ListImagesCommandOutput;
        output.imageIds?.push({ imageTag: 'no-digest' }, { imageDigest: digest(2) });
        return result;
      },
      { step: 'initialize', name: 'incompleteImageIds' },
    );

    // Act
    const tags = await createEcrRegistry(client).listTags('app');

    // Assess
    expect(tags).toEqual(new Map([['v1', digest(1)]]));
  });
});
