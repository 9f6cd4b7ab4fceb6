import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  DescribeRepositoryCreationTemplatesCommand,
  type ImageIdentifier,
  type ImageStatusFilter,
  InvalidParameterException,
  ListImagesCommand,
  type ListImagesCommandInput,
  type ListImagesFilter,
  PutImageTagMutabilityCommand,
  type PutImageTagMutabilityCommandInput,
  paginateDescribeImages,
  paginateDescribeRepositories,
  paginateListImages,
  RepositoryNotFoundException,
  type TagStatus,
  TemplateNotFoundException,
  UpdateRepositoryCreationTemplateCommand,
  ValidationException,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ecrClient } from './clients.ts';
import { ECR_TARGET_PREFIX, FakeEcr } from './ecr.ts';
import { fault, type StartedServer } from './http.ts';

const ecr = new FakeEcr();
let server: StartedServer;

beforeAll(async () => {
  server = await ecr.start();
  for (let i = 0; i < 250; i++) ecr.addRepository(`team/app-${String(i).padStart(3, '0')}`);
  ecr.addRepository('payments', {
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    filters: ['dev-*', { filterType: 'WILDCARD', filter: 'sha256-*' }],
  });
  for (let i = 0; i < 30; i++) ecr.pushImage('payments', `v${i}`, `sha256:${i}`);
  ecr.addTemplate('prod', { imageTagMutability: 'IMMUTABLE' });
  ecr.addTemplate('dev/', { imageTagMutability: 'MUTABLE_WITH_EXCLUSION', filters: ['rel-*'] });
  ecr.addTemplate('ROOT');
});
afterAll(() => server.close());
beforeEach(() => ecr.reset());

describe('fake ECR wire protocol', () => {
  it('pages DescribeRepositories: every repository exactly once, maxResults honoured', async () => {
    const client = ecrClient(server);
    const names: string[] = [];
    for await (const page of paginateDescribeRepositories({ client, pageSize: 100 }, {})) {
      expect(page.repositories?.length).toBeLessThanOrEqual(100);
      names.push(...(page.repositories ?? []).map((r) => r.repositoryName ?? ''));
    }
    expect(names).toHaveLength(251);
    expect(new Set(names).size).toBe(251);
    expect(names).toEqual([...ecr.repositories.keys()]);
    const calls = ecr.requests;
    expect(calls.map((r) => r.operation)).toEqual(Array(3).fill('DescribeRepositories'));
    expect(calls[0]?.headers['x-amz-target']).toBe(`${ECR_TARGET_PREFIX}DescribeRepositories`);
    expect(calls[0]?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(calls[0]?.body).toEqual({ maxResults: 100 });
    expect(calls[1]?.body).toMatchObject({ maxResults: 100, nextToken: expect.any(String) });
  });

  it('uses a default page of 100 and returns the repository shape with epoch timestamps', async () => {
    const created = new Date('2024-05-01T12:00:00.500Z');
    ecr.addRepository('shape/check', {
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      filters: ['a*'],
      createdAt: created,
    });
    try {
      const client = ecrClient(server);
      const first = await client.send(new DescribeRepositoriesCommand({}));
      expect(first.repositories).toHaveLength(100);
      expect(first.nextToken).toBeDefined();
      const named = await client.send(
        new DescribeRepositoriesCommand({ repositoryNames: ['shape/check', 'team/app-000'] }),
      );
      expect(named.nextToken).toBeUndefined();
      expect(named.repositories?.[0]).toEqual({
        repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/shape/check',
        registryId: '123456789012',
        repositoryName: 'shape/check',
        repositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shape/check',
        createdAt: created,
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'a*' }],
        imageScanningConfiguration: { scanOnPush: false },
        encryptionConfiguration: { encryptionType: 'AES256' },
      });
      // plain modes omit the filter list unless configured otherwise
      expect(named.repositories?.[1]).not.toHaveProperty('imageTagMutabilityExclusionFilters');
      ecr.plainModeFilters = 'empty';
      const again = await client.send(
        new DescribeRepositoriesCommand({ repositoryNames: ['team/app-000'] }),
      );
      expect(again.repositories?.[0]?.imageTagMutabilityExclusionFilters).toEqual([]);
    } finally {
      ecr.plainModeFilters = 'omit';
      ecr.deleteRepository('shape/check');
    }
  });

  it('validates maxResults 1–1000 with ValidationException and unknown names with RepositoryNotFoundException', async () => {
    const client = ecrClient(server);
    await expect(client.send(new DescribeRepositoriesCommand({ maxResults: 0 }))).rejects.toThrow(
      ValidationException,
    );
    await expect(
      client.send(new DescribeRepositoriesCommand({ maxResults: 1001 })),
    ).rejects.toThrow(/less than or equal to 1000/);
    await expect(
      client.send(new DescribeImagesCommand({ repositoryName: 'payments', maxResults: 1001 })),
    ).rejects.toBeInstanceOf(ValidationException);
    const missing = client.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['payments', 'nope'] }),
    );
    await expect(missing).rejects.toBeInstanceOf(RepositoryNotFoundException);
    await expect(missing).rejects.toThrow("The repository with name 'nope' does not exist");
    await expect(
      client.send(new DescribeRepositoriesCommand({ nextToken: 'garbage' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    // every failure above was answered once: client errors are not retried
    expect(ecr.count()).toBe(5);
  });

  it('pages DescribeImages and ListImages exactly once per image', async () => {
    const client = ecrClient(server);
    const digests: string[] = [];
    for await (const page of paginateDescribeImages(
      { client, pageSize: 7 },
      { repositoryName: 'payments' },
    )) {
      digests.push(...(page.imageDetails ?? []).map((d) => d.imageDigest ?? ''));
    }
    expect(digests).toEqual(Array.from({ length: 30 }, (_, i) => `sha256:${i}`));
    expect(ecr.count('DescribeImages')).toBe(5);
    const ids: string[] = [];
    for await (const page of paginateListImages(
      { client, pageSize: 1000 },
      { repositoryName: 'payments' },
    )) {
      ids.push(...(page.imageIds ?? []).map((id) => `${id.imageTag}@${id.imageDigest}`));
    }
    expect(ids).toHaveLength(30);
    expect(ids[0]).toBe('v0@sha256:0');
  });

  it('lists ListImages ids per tag, filtered by tagStatus and imageStatus, in pages counted in ids', async () => {
    // Prepare: an image under three tags, one under one tag, and an untagged one
    ecr.addRepository('listed');
    try {
      for (const tag of ['v1', 'latest', 'stable']) ecr.pushImage('listed', tag, 'sha256:aaa');
      ecr.pushImage('listed', 'v2', 'sha256:bbb');
      ecr.pushImage('listed', undefined, 'sha256:ccc');
      const client = ecrClient(server);
      const list = async (filter?: ListImagesFilter) =>
        (await client.send(new ListImagesCommand({ repositoryName: 'listed', filter }))).imageIds;

      // Act
      const tagged = await list({ tagStatus: 'TAGGED' });
      const untagged = await list({ tagStatus: 'UNTAGGED' });
      const any = await list();
      const active = await list({ tagStatus: 'ANY', imageStatus: 'ACTIVE' });
      const archived = await list({ imageStatus: 'ARCHIVED' });
      const pages: (ImageIdentifier[] | undefined)[] = [];
      for await (const page of paginateListImages(
        { client, pageSize: 3 },
        { repositoryName: 'listed', filter: { tagStatus: 'TAGGED' } },
      )) {
        pages.push(page.imageIds);
      }

      // Assess
      expect(tagged).toEqual([
        { imageDigest: 'sha256:aaa', imageTag: 'v1' },
        { imageDigest: 'sha256:aaa', imageTag: 'latest' },
        { imageDigest: 'sha256:aaa', imageTag: 'stable' },
        { imageDigest: 'sha256:bbb', imageTag: 'v2' },
      ]);
      expect(untagged).toEqual([{ imageDigest: 'sha256:ccc' }]);
      expect(any).toEqual([...(tagged ?? []), ...(untagged ?? [])]);
      expect(active).toEqual(any);
      expect(archived).toEqual([]);
      expect(pages).toEqual([tagged?.slice(0, 3), tagged?.slice(3)]);
    } finally {
      ecr.deleteRepository('listed');
    }
  });

  it('validates ListImages as the model does: repositoryName, maxResults, the filter enums, then nextToken', async () => {
    // Prepare
    const client = ecrClient(server);
    const list = (input: Partial<ListImagesCommandInput>) =>
      client.send(new ListImagesCommand({ repositoryName: 'payments', ...input }));
    const describedToken = (
      await client.send(new DescribeImagesCommand({ repositoryName: 'payments', maxResults: 1 }))
    ).nextToken;
    ecr.reset();

    // Act
    const outcomes = await Promise.allSettled([
      list({ repositoryName: undefined }),
      list({ maxResults: 0 }),
      list({ maxResults: 1001 }),
      list({ filter: { tagStatus: 'tagged' as TagStatus } }),
      list({ filter: { imageStatus: 'DELETED' as ImageStatusFilter } }),
      list({ repositoryName: 'nope', filter: { tagStatus: 'NONE' as TagStatus } }),
      list({ repositoryName: 'nope' }),
      list({ nextToken: 'garbage' }),
      list({ nextToken: describedToken }),
    ]);

    // Assess: each refused with the model's error, and answered once (client errors are not retried)
    const errors = outcomes.map((o) =>
      o.status === 'rejected'
        ? `${(o.reason as Error).name}: ${(o.reason as Error).message}`
        : 'ok',
    );
    expect(errors).toEqual([
      "ValidationException: 1 validation error detected: Value null at 'repositoryName' failed to satisfy constraint: Member must not be null",
      "ValidationException: 1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
      "ValidationException: 1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
      "ValidationException: 1 validation error detected: Value 'tagged' at 'filter.tagStatus' failed to satisfy constraint: Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]",
      "ValidationException: 1 validation error detected: Value 'DELETED' at 'filter.imageStatus' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, ARCHIVED, ACTIVATING, ANY]",
      "ValidationException: 1 validation error detected: Value 'NONE' at 'filter.tagStatus' failed to satisfy constraint: Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]",
      "RepositoryNotFoundException: The repository with name 'nope' does not exist in the registry with id '123456789012'",
      "InvalidParameterException: Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'",
      "InvalidParameterException: Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'",
    ]);
    expect(ecr.count('ListImages')).toBe(9);
  });

  it('moves a tag on push like ECR, leaving the old image untagged, and deletes an image losing its last tag', async () => {
    ecr.addRepository('moves');
    try {
      const pushedAt = new Date('2025-01-02T03:04:05Z');
      ecr.pushImage('moves', 'v1', 'sha256:aaa', { pushedAt, sizeInBytes: 42 });
      ecr.pushImage('moves', 'latest', 'sha256:aaa');
      ecr.pushImage('moves', 'v1', 'sha256:bbb');
      const client = ecrClient(server);
      const all = await client.send(new DescribeImagesCommand({ repositoryName: 'moves' }));
      expect(all.imageDetails).toEqual([
        {
          registryId: '123456789012',
          repositoryName: 'moves',
          imageDigest: 'sha256:aaa',
          imageTags: ['latest'],
          imageSizeInBytes: 42,
          imagePushedAt: pushedAt,
          imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        },
        expect.objectContaining({ imageDigest: 'sha256:bbb', imageTags: ['v1'] }),
      ]);
      const raw = ecr.requests.at(-1);
      expect(raw?.body).toEqual({ repositoryName: 'moves' });

      ecr.deleteTag('moves', 'latest');
      const untagged = await client.send(
        new ListImagesCommand({ repositoryName: 'moves', filter: { tagStatus: 'UNTAGGED' } }),
      );
      expect(untagged.imageIds).toEqual([]);
      ecr.pushImage('moves', 'v1', 'sha256:ccc');
      const orphan = await client.send(
        new DescribeImagesCommand({ repositoryName: 'moves', filter: { tagStatus: 'UNTAGGED' } }),
      );
      expect(orphan.imageDetails?.map((d) => [d.imageDigest, d.imageTags])).toEqual([
        ['sha256:bbb', undefined],
      ]);
    } finally {
      ecr.deleteRepository('moves');
    }
  });

  it('describes creation templates with prefixes and paging', async () => {
    const client = ecrClient(server);
    const one = await client.send(
      new DescribeRepositoryCreationTemplatesCommand({ maxResults: 2 }),
    );
    expect(one.registryId).toBe('123456789012');
    expect(one.repositoryCreationTemplates?.map((t) => t.prefix)).toEqual(['prod', 'dev/']);
    const two = await client.send(
      new DescribeRepositoryCreationTemplatesCommand({ maxResults: 2, nextToken: one.nextToken }),
    );
    expect(two.repositoryCreationTemplates?.map((t) => t.prefix)).toEqual(['ROOT']);
    expect(two.nextToken).toBeUndefined();
    const dev = await client.send(
      new DescribeRepositoryCreationTemplatesCommand({ prefixes: ['dev/'] }),
    );
    expect(dev.repositoryCreationTemplates).toEqual([
      expect.objectContaining({
        prefix: 'dev/',
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'rel-*' }],
        appliedFor: ['CREATE_ON_PUSH'],
        createdAt: expect.any(Date),
      }),
    ]);
  });

  it('applies PutImageTagMutability and rejects exclusion modes without filters', async () => {
    ecr.addRepository('mut');
    try {
      const client = ecrClient(server);
      const out = await client.send(
        new PutImageTagMutabilityCommand({
          repositoryName: 'mut',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
        }),
      );
      expect(out.imageTagMutabilityExclusionFilters).toEqual([
        { filterType: 'WILDCARD', filter: 'dev-*' },
      ]);
      expect(ecr.repository('mut').imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
      const bad = client.send(
        new PutImageTagMutabilityCommand({
          repositoryName: 'mut',
          imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        }),
      );
      await expect(bad).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(bad).rejects.toThrow(
        "ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as MUTABLE_WITH_EXCLUSION",
      );
      expect(ecr.repository('mut').filters).toEqual([{ filterType: 'WILDCARD', filter: 'dev-*' }]);
    } finally {
      ecr.deleteRepository('mut');
    }
  });

  it('answers an unsupported operation with 400 UnknownOperationException', async () => {
    const client = ecrClient(server);
    const error = await client
      .send(new CreateRepositoryCommand({ repositoryName: 'x' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'UnknownOperationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(ecr.requests.map((r) => r.operation)).toEqual(['CreateRepository']);
  });
});

describe('fake ECR writes, validated as the API reference documents them', () => {
  const dev = { filterType: 'WILDCARD' as const, filter: 'dev-*' };

  it.each<[string, Partial<PutImageTagMutabilityCommandInput>, string, RegExp]>([
    [
      'no mode',
      { imageTagMutability: undefined },
      'ValidationException',
      /'imageTagMutability'.*not be null/,
    ],
    [
      'an unknown mode',
      { imageTagMutability: 'SOMETIMES' as 'MUTABLE' },
      'ValidationException',
      /enum value set/,
    ],
    [
      'an empty filter list',
      { imageTagMutabilityExclusionFilters: [] },
      'ValidationException',
      /greater than or equal to 1/,
    ],
    [
      'six filters',
      { imageTagMutabilityExclusionFilters: Array(6).fill(dev) },
      'ValidationException',
      /less than or equal to 5/,
    ],
    [
      'a filter type other than WILDCARD',
      { imageTagMutabilityExclusionFilters: [{ filterType: 'REGEX' as 'WILDCARD', filter: 'a' }] },
      'ValidationException',
      /filterType.*\[WILDCARD\]/,
    ],
    [
      'a filter without its value',
      { imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD' } as typeof dev] },
      'ValidationException',
      /member\.filter' .*not be null/,
    ],
    [
      'a filter with a space',
      { imageTagMutabilityExclusionFilters: [{ ...dev, filter: 'dev *' }] },
      'ValidationException',
      /regular expression pattern/,
    ],
    [
      'a filter of 129 characters',
      { imageTagMutabilityExclusionFilters: [{ ...dev, filter: 'a'.repeat(129) }] },
      'ValidationException',
      /regular expression pattern/,
    ],
    [
      'three wildcards',
      { imageTagMutabilityExclusionFilters: [{ ...dev, filter: 'a*b*c*' }] },
      'InvalidParameterException',
      /more than 2 wildcards/,
    ],
    [
      'an exclusion mode without filters',
      { imageTagMutabilityExclusionFilters: undefined },
      'InvalidParameterException',
      /can't be null when imageTagMutability is set as IMMUTABLE_WITH_EXCLUSION/,
    ],
    [
      'filters with a plain mode',
      { imageTagMutability: 'IMMUTABLE' },
      'InvalidParameterException',
      /can't be set when imageTagMutability is set as IMMUTABLE/,
    ],
    [
      'another account’s registry',
      { registryId: '999999999999' },
      'RepositoryNotFoundException',
      /registry with id '999999999999'/,
    ],
  ])(
    'refuses PutImageTagMutability with %s, recording it and changing nothing',
    async (_, change, code, message) => {
      // Prepare
      ecr.addRepository('strict', {
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        filters: ['keep'],
      });
      try {
        const input = {
          registryId: '123456789012',
          repositoryName: 'strict',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const,
          imageTagMutabilityExclusionFilters: [dev],
          ...change,
        };
        // Act
        const error = await ecrClient(server)
          .send(new PutImageTagMutabilityCommand(input))
          .catch((e: unknown) => e);
        // Assess
        expect(error).toMatchObject({ name: code, message: expect.stringMatching(message) });
        expect(ecr.requests.map((r) => r.operation)).toEqual(['PutImageTagMutability']);
        expect(ecr.repository('strict')).toMatchObject({
          imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
          filters: [{ filterType: 'WILDCARD', filter: 'keep' }],
        });
      } finally {
        ecr.deleteRepository('strict');
      }
    },
  );

  it('replaces the whole filter list on PutImageTagMutability, and clears it with a plain mode', async () => {
    // Prepare
    ecr.addRepository('lists', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['a', 'b'],
    });
    try {
      const client = ecrClient(server);
      // Act
      await client.send(
        new PutImageTagMutabilityCommand({
          repositoryName: 'lists',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [dev],
        }),
      );
      const replaced = [...ecr.repository('lists').filters];
      await client.send(
        new PutImageTagMutabilityCommand({
          repositoryName: 'lists',
          imageTagMutability: 'MUTABLE',
        }),
      );
      // Assess
      expect(replaced).toEqual([dev]);
      expect(ecr.repository('lists')).toMatchObject({ imageTagMutability: 'MUTABLE', filters: [] });
      expect(ecr.requests.map((r) => r.body)).toEqual([
        {
          repositoryName: 'lists',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [dev],
        },
        { repositoryName: 'lists', imageTagMutability: 'MUTABLE' },
      ]);
    } finally {
      ecr.deleteRepository('lists');
    }
  });

  it('updates a creation template, its settings left out reset (by default) or kept', async () => {
    // Prepare
    const seed = {
      imageTagMutability: 'MUTABLE' as const,
      description: 'team A',
      appliedFor: ['PULL_THROUGH_CACHE'],
      lifecyclePolicy: '{"rules":[]}',
      resourceTags: [{ Key: 'team', Value: 'a' }],
    };
    ecr.addTemplate('team-a', seed);
    ecr.addTemplate('team-b', seed);
    const client = ecrClient(server);
    const update = (prefix: string) =>
      client.send(
        new UpdateRepositoryCreationTemplateCommand({
          prefix,
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [dev],
        }),
      );
    try {
      // Act
      const answer = await update('team-a');
      ecr.omittedTemplateSettings = 'keep';
      await update('team-b');
      // Assess
      expect(answer.repositoryCreationTemplate).toMatchObject({
        prefix: 'team-a',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [dev],
        appliedFor: [],
        resourceTags: [],
      });
      expect(ecr.templates.get('team-a')).toMatchObject({
        description: undefined,
        lifecyclePolicy: undefined,
        filters: [dev],
      });
      expect(ecr.templates.get('team-b')).toMatchObject({
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        description: 'team A',
        appliedFor: ['PULL_THROUGH_CACHE'],
        lifecyclePolicy: '{"rules":[]}',
        resourceTags: [{ Key: 'team', Value: 'a' }],
      });
      expect(ecr.count('UpdateRepositoryCreationTemplate')).toBe(2);
    } finally {
      ecr.omittedTemplateSettings = 'reset';
      ecr.templates.delete('team-a');
      ecr.templates.delete('team-b');
    }
  });

  it('refuses UpdateRepositoryCreationTemplate for an unknown prefix and by the same mutability rules', async () => {
    // Prepare
    const client = ecrClient(server);
    // Act
    const missing = await client
      .send(
        new UpdateRepositoryCreationTemplateCommand({
          prefix: 'nope',
          imageTagMutability: 'IMMUTABLE',
        }),
      )
      .catch((e: unknown) => e);
    const plainWithFilters = await client
      .send(
        new UpdateRepositoryCreationTemplateCommand({
          prefix: 'prod',
          imageTagMutability: 'MUTABLE',
          imageTagMutabilityExclusionFilters: [dev],
        }),
      )
      .catch((e: unknown) => e);
    const badPrefix = await client
      .send(
        new UpdateRepositoryCreationTemplateCommand({
          prefix: 'Prod',
          imageTagMutability: 'IMMUTABLE',
        }),
      )
      .catch((e: unknown) => e);
    // Assess
    expect(missing).toBeInstanceOf(TemplateNotFoundException);
    expect(plainWithFilters).toBeInstanceOf(InvalidParameterException);
    expect(badPrefix).toBeInstanceOf(ValidationException);
    expect(ecr.templates.get('prod')?.imageTagMutability).toBe('IMMUTABLE');
  });
});

describe('fault injection through the real ECR client', () => {
  const names = { repositoryNames: ['payments'] };

  it('retries a ThrottlingException and a 500, then succeeds', async () => {
    ecr.inject('DescribeRepositories', fault.throttle(), fault.internal());
    const out = await ecrClient(server).send(new DescribeRepositoriesCommand(names));
    expect(out.repositories?.[0]?.repositoryName).toBe('payments');
    expect(out.$metadata.attempts).toBe(3);
    expect(ecr.requests.map((r) => r.fault)).toEqual(['throttle', 'error', undefined]);
  });

  it('surfaces the throttle when attempts run out', async () => {
    ecr.inject('DescribeRepositories', fault.throttle(), fault.throttle());
    const error = await ecrClient(server, { maxAttempts: 2, retryDelayMs: 1 })
      .send(new DescribeRepositoriesCommand(names))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
    expect(ecr.count('DescribeRepositories')).toBe(2);
  });

  it('retries 503 ServiceUnavailable decided by a rule', async () => {
    ecr.injectWith('*', ({ n }) => (n <= 2 ? fault.unavailable() : undefined));
    const out = await ecrClient(server, { retryDelayMs: 1 }).send(
      new DescribeImagesCommand({ repositoryName: 'payments', maxResults: 1 }),
    );
    expect(out.imageDetails).toHaveLength(1);
    expect(ecr.count('DescribeImages')).toBe(3);
  });

  it('retries a reset connection', async () => {
    ecr.inject('DescribeRepositories', fault.reset());
    const out = await ecrClient(server).send(new DescribeRepositoriesCommand(names));
    expect(out.$metadata.attempts).toBe(2);
    expect(ecr.requests.map((r) => r.fault)).toEqual(['reset', undefined]);
  });

  it('times out a hung request, and retries it when attempts remain', async () => {
    ecr.inject('DescribeRepositories', fault.hang());
    const started = Date.now();
    const error = await ecrClient(server, { maxAttempts: 1, requestTimeoutMs: 200 })
      .send(new DescribeRepositoriesCommand(names))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(ecr.count()).toBe(1);

    ecr.inject('DescribeRepositories', fault.hang());
    const out = await ecrClient(server, { maxAttempts: 2, requestTimeoutMs: 200 }).send(
      new DescribeRepositoriesCommand(names),
    );
    expect(out.repositories).toHaveLength(1);
    expect(ecr.count()).toBe(3);
  });

  it('delays an answer by an injected delay and by the fixed latency', async () => {
    const client = ecrClient(server);
    ecr.inject('DescribeRepositories', fault.delay(150));
    let started = performance.now();
    await client.send(new DescribeRepositoriesCommand(names));
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    ecr.latencyMs = 60;
    try {
      started = performance.now();
      await client.send(new DescribeRepositoriesCommand(names));
      expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    } finally {
      ecr.latencyMs = 0;
    }
  });

  it('throttles above the configured rate, per operation', async () => {
    ecr.rateLimit = { perSecond: 1, burst: 4 };
    try {
      const client = ecrClient(server, { maxAttempts: 1 });
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => client.send(new DescribeRepositoriesCommand(names))),
      );
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
      expect(rejected).toHaveLength(4);
      expect(rejected.map((r) => (r.reason as Error).name)).toEqual(
        Array(4).fill('ThrottlingException'),
      );
      expect(ecr.requests.filter((r) => r.fault === 'rate-limit')).toHaveLength(4);
      // another operation has its own bucket
      await client.send(new ListImagesCommand({ repositoryName: 'payments', maxResults: 1 }));
    } finally {
      ecr.rateLimit = undefined;
    }
  });
});
