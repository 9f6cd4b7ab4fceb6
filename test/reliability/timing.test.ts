/**
 * Real AWS timing, end to end through auditEvent and the scheduled scan on dynalite and the fake
 * SNS (reliability issue, items 1–4): a delete processed before the push it followed, a late
 * DeleteRepository, same-second pushes with CloudTrail copies stamped later, and a scan listing
 * while pushes happen. Outcome: every real move alerted once, no move invented.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEcrRegistry } from '../../lib/aws/ecr-registry.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { auditEvent } from '../../lib/runtime/audit-event.ts';
import { scheduledScan } from '../../lib/runtime/lambda.ts';
import { policy } from '../aws/support.ts';
import { ecrClient } from '../fakes/clients.ts';
import { FakeEcr } from '../fakes/ecr.ts';
import type { StartedServer } from '../fakes/http.ts';
import { cloudTrailPutImage, imageDelete, imagePush, SAMPLE } from '../runtime/support.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { publishedFindings } from '../support/published.ts';
import { apiCallEvent, type Harness, startHarness } from './support.ts';

let h: Harness;
const servers: StartedServer[] = [];
beforeAll(async () => {
  h = await startHarness(policy(DEV_MUTABLE_POLICY));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await h.close();
});
beforeEach(() => h.reset());

/** `10:mm:ss` on the day of the fixtures. */
const time = (m: number, s = 0) =>
  new Date(Date.UTC(2025, 6, 24, 10, m, s)).toISOString().replace('.000', '');

let repos = 0;
const fresh = (label: string) => `timing/${++repos}-${label}`;

const push = (repository: string, d: number, at: string, id = `${repository}/push/${d}/${at}`) =>
  imagePush({ repository, tag: 'v1', digest: digest(d), id, time: at });
const ctPush = (repository: string, d: number, at: string) =>
  cloudTrailPutImage({
    repository,
    tag: 'v1',
    digest: digest(d),
    eventId: `${repository}/ct/${d}/${at}`,
    time: at,
    region: SAMPLE.region,
  });

/** ECR's delete of `v1` at digest `d`. */
const deleteAt = (repository: string, d: number, at: string) =>
  imageDelete({ repository, tag: 'v1', digest: digest(d), id: `${repository}/del`, time: at });

/** What the alerts said moved, as [previous, next] digest numbers' digests. */
function moved(): [string | null, string | null][] {
  return publishedFindings(h.sns)
    .filter((f: Finding) => f.kind?.startsWith('TAG_OVERWRITE'))
    .map((f) => [f.previousDigest, f.digest]);
}

describe('a delete processed before the push it followed (item 1)', () => {
  it('push A, push B, delete at B, delivered A, delete, B: the overwrite A→B is alerted once', async () => {
    const repository = fresh('delete-first');
    await auditEvent(push(repository, 1, time(0)), h.runtime);
    await auditEvent(deleteAt(repository, 2, time(10)), h.runtime);
    await auditEvent(push(repository, 2, time(5)), h.runtime);
    expect(moved()).toEqual([[digest(1), digest(2)]]);
  });

  it("B's push never arrives: the delete is the only evidence, and is alerted", async () => {
    const repository = fresh('push-lost');
    await auditEvent(push(repository, 1, time(0)), h.runtime);
    await auditEvent(deleteAt(repository, 2, time(10)), h.runtime);
    expect(moved()).toEqual([[digest(1), digest(2)]]);
  });
});

describe('a late DeleteRepository (item 2)', () => {
  it('delete, create again, push X, the delete arrives, push Y: the overwrite X→Y is alerted', async () => {
    const repository = fresh('recreated');
    await auditEvent(push(repository, 7, time(0, 0), `${repository}/old`), h.runtime);
    await auditEvent(push(repository, 1, time(1)), h.runtime); // X, in the new repository
    await auditEvent(
      apiCallEvent(
        {
          eventVersion: '1.08',
          userIdentity: {
            type: 'AssumedRole',
            arn: `arn:aws:sts::${SAMPLE.account}:assumed-role/a/b`,
          },
          eventTime: time(0, 10),
          eventSource: 'ecr.amazonaws.com',
          eventName: 'DeleteRepository',
          awsRegion: SAMPLE.region,
          requestParameters: { repositoryName: repository, force: true },
          responseElements: { repository: { repositoryName: repository } },
          eventID: `${repository}/delete-repository`,
          eventType: 'AwsApiCall',
          recipientAccountId: SAMPLE.account,
        },
        { id: `${repository}/eb-delete-repository`, time: time(0, 10) },
      ),
      h.runtime,
    );
    h.sns.published.length = 0; // the old repository's overwrite 7→1 was alerted before
    await auditEvent(push(repository, 2, time(5)), h.runtime); // Y
    expect(moved()).toEqual([[digest(1), digest(2)]]);
  });
});

describe('same-second times (item 3)', () => {
  it('(a) A, then B and C within one second, then B redelivered: no C→B', async () => {
    const repository = fresh('same-second');
    const b = push(repository, 2, time(1, 0));
    await auditEvent(push(repository, 1, time(0)), h.runtime);
    await auditEvent(b, h.runtime);
    await auditEvent(push(repository, 3, time(1, 0)), h.runtime);
    await auditEvent(b, h.runtime);
    const ids = new Set(publishedFindings(h.sns).map((f) => f.id));
    expect(ids.size).toBe(2);
    expect(moved()).not.toContainEqual([digest(3), digest(2)]);
  });

  it('(b) two pushes a second apart, CloudTrail copies a second later arriving later: two alerts', async () => {
    const repository = fresh('skewed-copies');
    await auditEvent(push(repository, 9, time(0, 0)), h.runtime);
    await auditEvent(push(repository, 1, time(1, 0)), h.runtime);
    await auditEvent(push(repository, 2, time(1, 1)), h.runtime);
    await auditEvent(ctPush(repository, 1, time(1, 1)), h.runtime);
    await auditEvent(ctPush(repository, 2, time(1, 2)), h.runtime);
    expect(moved()).toEqual([
      [digest(9), digest(1)],
      [digest(1), digest(2)],
    ]);
  });
});

describe('a scan listing during pushes (item 4)', () => {
  it('pushes B and C land between the scan start and its listing; their events come after: no C→B', async () => {
    // Prepare: the ledger knows A; ECR gets B (10:05) and C (10:08); the scan starts at 10:00 and
    // lists the repository at 10:10.
    const repository = fresh('scan-race');
    await auditEvent(push(repository, 1, time(0, 0)), h.runtime);
    const ecr = new FakeEcr({ accountId: SAMPLE.account, region: SAMPLE.region });
    servers.push(await ecr.start());
    ecr.addRepository(repository, {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['dev-*'],
    });
    ecr.pushImage(repository, 'v1', digest(3));
    const clock = [Date.parse('2025-07-24T10:00:00Z'), Date.parse('2025-07-24T10:10:00Z')];
    let reads = 0;
    // Act
    await scheduledScan(h.runtime, {
      registry: createEcrRegistry(ecrClient(servers.at(-1) as StartedServer, {})),
      account: SAMPLE.account,
      region: SAMPLE.region,
      now: () => new Date(clock[Math.min(reads++, 1)] as number),
    });
    await auditEvent(push(repository, 2, time(5)), h.runtime);
    await auditEvent(push(repository, 3, time(8)), h.runtime);
    // Assess: the scan's 1→3, and 2's place before 3 (2 was superseded); never 3→2.
    const moves = moved();
    expect(moves).toContainEqual([digest(1), digest(3)]);
    expect(moves).toContainEqual([digest(2), digest(3)]);
    expect(moves).not.toContainEqual([digest(3), digest(2)]);
    expect(moves).toHaveLength(2);
  });
});
