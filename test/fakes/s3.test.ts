import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { s3Client } from './clients.ts';
import type { StartedServer } from './http.ts';
import { FakeS3, S3_MAX_KEY_BYTES } from './s3.ts';

const fake = new FakeS3({ buckets: ['bucket'] });
let server: StartedServer;
let s3: ReturnType<typeof s3Client>;

beforeAll(async () => {
  server = await fake.start();
  s3 = s3Client(server, { maxAttempts: 1 });
});
afterAll(() => server.close());
beforeEach(() => fake.reset());

describe('the fake S3 (path-style PutObject and GetObject)', () => {
  it('stores an object and returns it whole', async () => {
    // Act
    await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'plans/a b.json', Body: '[1,2]' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'plans/a b.json' }));

    // Assess
    expect(await got.Body?.transformToString()).toBe('[1,2]');
    expect(fake.keys('bucket')).toEqual(['plans/a b.json']);
  });

  it('answers NoSuchKey for a missing object and NoSuchBucket for a missing bucket', async () => {
    // Act
    const missingKey = await s3
      .send(new GetObjectCommand({ Bucket: 'bucket', Key: 'nope' }))
      .catch((e: unknown) => e);
    const missingBucket = await s3
      .send(new PutObjectCommand({ Bucket: 'other', Key: 'k', Body: 'x' }))
      .catch((e: unknown) => e);

    // Assess
    expect((missingKey as Error).name).toBe('NoSuchKey');
    expect((missingBucket as Error).name).toBe('NoSuchBucket');
    expect(fake.keys('other')).toEqual([]);
  });

  it('refuses a key longer than 1,024 bytes', async () => {
    // Act
    const ok = await s3.send(
      new PutObjectCommand({ Bucket: 'bucket', Key: 'k'.repeat(S3_MAX_KEY_BYTES), Body: 'x' }),
    );
    const error = await s3
      .send(new PutObjectCommand({ Bucket: 'bucket', Key: 'é'.repeat(513), Body: 'x' }))
      .catch((e: unknown) => e);

    // Assess
    expect(ok.$metadata.httpStatusCode).toBe(200);
    expect((error as Error).name).toBe('KeyTooLongError');
  });
});
