import { DescribeRepositoriesCommand, ListImagesCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { ecrClient } from './clients.ts';
import { FakeEcr } from './ecr.ts';
import { fault } from './http.ts';

describe('FakeHttpServer', () => {
  it('closes promptly while a request hangs, failing that request', async () => {
    const ecr = new FakeEcr();
    const server = await ecr.start();
    ecr.inject('*', fault.hang());
    const pending = ecrClient(server, { maxAttempts: 1 })
      .send(new DescribeRepositoriesCommand({}))
      .catch((e: unknown) => e);
    await expect.poll(() => ecr.count()).toBe(1);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    await server.close(); // idempotent
  });

  it('applies queued faults before rules, per operation before "*", and counts n per operation', async () => {
    const ecr = new FakeEcr();
    ecr.addRepository('r');
    const server = await ecr.start();
    try {
      const seen: [string, number][] = [];
      ecr.injectWith('*', ({ operation, n }) => {
        seen.push([operation, n]);
        return undefined;
      });
      ecr.inject('*', fault.error('AccessDeniedException', 400, 'denied'));
      ecr.inject('ListImages', fault.internal());
      const client = ecrClient(server, { maxAttempts: 1 });
      await expect(
        client.send(new ListImagesCommand({ repositoryName: 'r' })),
      ).rejects.toMatchObject({
        name: 'InternalFailure',
        $metadata: { httpStatusCode: 500 },
      });
      await expect(client.send(new ListImagesCommand({ repositoryName: 'r' }))).rejects.toThrow(
        'denied',
      );
      await client.send(new ListImagesCommand({ repositoryName: 'r' }));
      await client.send(new DescribeRepositoriesCommand({}));
      expect(seen).toEqual([
        ['ListImages', 3],
        ['DescribeRepositories', 1],
      ]);
      ecr.clearFaults();
      ecr.inject('ListImages', fault.reset());
      ecr.clearFaults();
      await client.send(new ListImagesCommand({ repositoryName: 'r' }));
      expect(ecr.requests.map((r) => r.fault)).toEqual([
        'error',
        'error',
        undefined,
        undefined,
        undefined,
      ]);
    } finally {
      await server.close();
    }
  });
});
