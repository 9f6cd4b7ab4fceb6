/**
 * Duplicates, concurrency and order, through auditEvent on dynalite and the fake SNS: the same
 * push from ECR and CloudTrail in either order and at the same time, the same event twice at
 * once, two invocations pushing one tag with different digests at once, events out of order by
 * minutes, duplicates hours later, a tag deleted and pushed again — and a property over shuffled,
 * duplicated histories. Outcome: exactly one alert per real transition, none twice.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tagState } from '../../lib/core/engine/tag-history.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import { auditEvent } from '../../lib/runtime/audit-event.ts';
import { policy } from '../aws/support.ts';
import { fault } from '../fakes/http.ts';
import { cloudTrailPutImage, imageDelete, imagePush, SAMPLE } from '../runtime/support.ts';
import { digest } from '../support/digest.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { publishedFindings } from '../support/published.ts';
import { alertIds, type Harness, startHarness } from './support.ts';

const POLICY = policy(DEV_MUTABLE_POLICY);

let h: Harness;
beforeAll(async () => {
  h = await startHarness(POLICY);
});
afterAll(() => h.close());
beforeEach(() => h.reset());

function published(): Finding[] {
  return publishedFindings(h.sns);
}

const minute = (m: number, s = 0) =>
  new Date(Date.UTC(2025, 6, 24, 10, m, s)).toISOString().replace('.000', '');

let repos = 0;
const fresh = (label: string) => `ordering/${++repos}-${label}`;

/** The same push as ECR reports it and as CloudTrail does (a second later, another event id). */
function bothCopies(repository: string, d: number, m: number) {
  return {
    ecr: imagePush({
      repository,
      tag: 'v1',
      digest: digest(d),
      id: `${repository}/ecr/${d}`,
      time: minute(m),
    }),
    cloudTrail: cloudTrailPutImage({
      repository,
      tag: 'v1',
      digest: digest(d),
      eventId: `${repository}/ct/${d}`,
      time: minute(m, 1),
      region: SAMPLE.region,
      actor: 'arn:aws:sts::123456789012:assumed-role/ci/build-1',
    }),
  };
}

describe('the same push from ECR and from CloudTrail', () => {
  for (const order of ['ECR first', 'CloudTrail first', 'at the same time'] as const) {
    it(`${order}: one alert for the overwrite, in two Lambda containers`, async () => {
      const repository = fresh(order.replace(/ /g, '-').toLowerCase());
      // Two functions (image-action, api-call): two containers with their own clients.
      const imageAction = h.container();
      const apiCall = h.container();
      const first = bothCopies(repository, 1, 0);
      await auditEvent(first.ecr, imageAction);
      await auditEvent(first.cloudTrail, apiCall);
      expect(h.sns.published).toEqual([]);
      const second = bothCopies(repository, 2, 5);
      if (order === 'ECR first') {
        await auditEvent(second.ecr, imageAction);
        await auditEvent(second.cloudTrail, apiCall);
      } else if (order === 'CloudTrail first') {
        await auditEvent(second.cloudTrail, apiCall);
        await auditEvent(second.ecr, imageAction);
      } else {
        await Promise.all([
          auditEvent(second.ecr, imageAction),
          auditEvent(second.cloudTrail, apiCall),
        ]);
      }
      expect(published()).toMatchObject([
        {
          kind: 'TAG_OVERWRITE_VIOLATION',
          repository,
          previousDigest: digest(1),
          digest: digest(2),
        },
      ]);
    });
  }

  it('many tags at once, both copies racing each time: one alert per overwrite', async () => {
    const tags = 12;
    const repository = fresh('race');
    const a = h.container();
    const b = h.container();
    await Promise.all(
      Array.from({ length: tags }, (_, i) =>
        auditEvent(
          imagePush({
            repository,
            tag: `v${i}`,
            digest: digest(1),
            id: `${repository}/a${i}`,
            time: minute(0),
          }),
          a,
        ),
      ),
    );
    await Promise.all(
      Array.from({ length: tags }, (_, i) => {
        const ecr = imagePush({
          repository,
          tag: `v${i}`,
          digest: digest(2),
          id: `${repository}/b${i}`,
          time: minute(5),
        });
        const ct = cloudTrailPutImage({
          repository,
          tag: `v${i}`,
          digest: digest(2),
          eventId: `${repository}/ct${i}`,
          time: minute(5, i % 2 === 0 ? 1 : -1),
          region: SAMPLE.region,
        });
        return i % 2 === 0
          ? Promise.all([auditEvent(ecr, a), auditEvent(ct, b)])
          : Promise.all([auditEvent(ct, b), auditEvent(ecr, a)]);
      }),
    );
    const alerted = published()
      .map((f) => f.tag)
      .sort();
    expect(alerted).toEqual(Array.from({ length: tags }, (_, i) => `v${i}`).sort());
  });
});

describe('the same event delivered twice at the same time', () => {
  it('while the first delivery is still publishing: one alert (the second leaves it to the first)', async () => {
    const repository = fresh('twice');
    await auditEvent(bothCopies(repository, 1, 0).ecr, h.runtime);
    const event = bothCopies(repository, 2, 5).ecr;
    h.sns.inject('Publish', fault.delay(150)); // the first Publish is slow
    const outcomes = await Promise.all([
      auditEvent(event, h.container()),
      auditEvent(event, h.container()),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['audited', 'audited']);
    expect(alertIds(h.sns)).toHaveLength(1);
    expect(h.telemetry.count('AlertsInFlight') + h.telemetry.count('AlertsDuplicate')).toBe(1);
  });
});

describe('two invocations pushing the same tag at once with different digests', () => {
  it('pushes in the same second: they chain, one alert per transition', async () => {
    const repository = fresh('same-second');
    await auditEvent(bothCopies(repository, 1, 0).ecr, h.runtime);
    const digests = [2, 3, 4, 5];
    await Promise.all(
      digests.map((d) =>
        auditEvent(
          imagePush({
            repository,
            tag: 'v1',
            digest: digest(d),
            id: `${repository}/${d}`,
            time: minute(5),
          }),
          h.container(),
        ),
      ),
    );
    const moves = published().map((f) => [f.previousDigest, f.digest] as const);
    expect(moves).toHaveLength(digests.length);
    // Each digest left the tag once (digest 1 and all but the last pushed), and the moves chain.
    const from = moves.map(([p]) => p);
    expect(new Set(from).size).toBe(digests.length);
    expect(from).toContain(digest(1));
    const final = (
      await h.runtime.ledger.tags({ account: SAMPLE.account, region: SAMPLE.region, repository })
    ).get('v1');
    expect(from).not.toContain(tagState(final).digest);
    expect(new Set(alertIds(h.sns)).size).toBe(digests.length);
  });

  it('pushes minutes apart arriving together: the tag ends at the latest, one alert per superseded digest', async () => {
    const repository = fresh('apart');
    await auditEvent(bothCopies(repository, 1, 0).ecr, h.runtime);
    await Promise.all(
      [2, 3].map((d) =>
        auditEvent(
          imagePush({
            repository,
            tag: 'v1',
            digest: digest(d),
            id: `${repository}/${d}`,
            time: minute(d * 5),
          }),
          h.container(),
        ),
      ),
    );
    const final = (
      await h.runtime.ledger.tags({ account: SAMPLE.account, region: SAMPLE.region, repository })
    ).get('v1');
    expect(tagState(final).digest).toBe(digest(3));
    expect(
      published()
        .map((f) => f.previousDigest)
        .sort(),
    ).toEqual([digest(1), digest(2)]);
    expect(published().every((f) => f.digest === digest(3) || f.digest === digest(2))).toBe(true);
  });
});

describe('events out of order, duplicates hours later, delete and push again', () => {
  it('an overwrite arriving minutes before the push it followed: both transitions alerted once', async () => {
    const repository = fresh('out-of-order');
    const e0 = bothCopies(repository, 0, 0);
    const e1 = bothCopies(repository, 1, 10);
    const e2 = bothCopies(repository, 2, 20);
    await auditEvent(e0.ecr, h.runtime);
    await auditEvent(e2.ecr, h.runtime); // 10:20 before 10:10
    await auditEvent(e1.ecr, h.runtime);
    const moves = published().map((f) => [f.previousDigest, f.digest, f.eventTime]);
    // The first alert tells the move as the ledger knew it then (0 → 2); the late push reveals
    // the transition it started (1 → 2, with the in-order id). Each digest left the tag once.
    const at20 = new Date(minute(20)).toISOString();
    expect(moves).toEqual([
      [digest(0), digest(2), at20],
      [digest(1), digest(2), at20],
    ]);
    // Hours later: every copy of every event again, in any order. Nothing more.
    for (const event of [e2.cloudTrail, e1.ecr, e0.cloudTrail, e2.ecr, e1.cloudTrail, e0.ecr]) {
      await auditEvent(event, h.runtime);
    }
    expect(h.sns.published).toHaveLength(2);
    expect(new Set(alertIds(h.sns)).size).toBe(2);
  });

  it('duplicates of an alerted overwrite hours later: alerted once', async () => {
    const repository = fresh('hours-later');
    const e1 = bothCopies(repository, 1, 0);
    const e2 = bothCopies(repository, 2, 5);
    for (const event of [e1.ecr, e1.cloudTrail, e2.ecr, e2.cloudTrail])
      await auditEvent(event, h.runtime);
    expect(h.sns.published).toHaveLength(1);
    const later = {
      ...h.runtime,
      alerts: { ...h.runtime.alerts, now: () => Date.now() + 6 * 3600_000 },
    };
    for (const event of [e2.ecr, e2.cloudTrail, e1.ecr, e2.ecr]) await auditEvent(event, later);
    expect(h.sns.published).toHaveLength(1);
    expect(h.telemetry.count('AlertsDuplicate')).toBeGreaterThanOrEqual(2);
  });

  it('a tag deleted and pushed again with other content: one alert, via delete; same content: none', async () => {
    const repository = fresh('delete-repush');
    await auditEvent(bothCopies(repository, 1, 0).ecr, h.runtime);
    await auditEvent(
      imageDelete({
        repository,
        tag: 'v1',
        digest: digest(1),
        id: `${repository}/del1`,
        time: minute(1),
      }),
      h.runtime,
    );
    await auditEvent(bothCopies(repository, 1, 2).ecr, h.runtime); // the same content back
    expect(h.sns.published).toEqual([]);
    await auditEvent(
      imageDelete({
        repository,
        tag: 'v1',
        digest: digest(1),
        id: `${repository}/del2`,
        time: minute(3),
      }),
      h.runtime,
    );
    const repush = bothCopies(repository, 2, 4);
    await auditEvent(repush.cloudTrail, h.runtime);
    await auditEvent(repush.ecr, h.runtime);
    expect(published()).toMatchObject([
      {
        kind: 'TAG_OVERWRITE_VIOLATION',
        previousDigest: digest(1),
        digest: digest(2),
        viaDelete: true,
      },
    ]);
    expect(h.sns.published[0]?.message).toContain('deleted and pushed again');
    // A stale copy of the first delete, an hour late, moves nothing back and alerts nothing.
    await auditEvent(
      imageDelete({
        repository,
        tag: 'v1',
        digest: digest(1),
        id: `${repository}/del1`,
        time: minute(1),
      }),
      h.runtime,
    );
    const tag = (
      await h.runtime.ledger.tags({ account: SAMPLE.account, region: SAMPLE.region, repository })
    ).get('v1');
    expect(tagState(tag)).toEqual({ digest: digest(2), live: true });
    expect(h.sns.published).toHaveLength(1);
  });
});

describe('property: any order and any duplication of a tag history', () => {
  it('each superseded digest is alerted exactly once, no alert twice, the ledger ends at the latest', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }), // distinct digests (within the ledger's recent digests)
        fc.array(fc.nat(), { minLength: 24, maxLength: 24 }), // shuffle keys
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }), // copies per push
        fc.boolean(), // deliver in concurrent pairs
        async (n, keys, copies, concurrent) => {
          h.reset();
          const repository = `ordering/prop-${++run}`;
          const deliveries: Record<string, unknown>[] = [];
          for (let d = 0; d < n; d++) {
            const pair = bothCopies(repository, 100 + d, d * 7);
            deliveries.push(pair.ecr, pair.cloudTrail);
            for (let c = 0; c < (copies[d] ?? 0); c++)
              deliveries.push(c % 2 === 0 ? pair.ecr : pair.cloudTrail);
          }
          const order = deliveries
            .map((event, i) => ({ event, key: keys[i % keys.length] ?? 0, i }))
            .sort((x, y) => x.key - y.key || x.i - y.i)
            .map((x) => x.event);
          if (concurrent) {
            for (let i = 0; i < order.length; i += 2) {
              await Promise.all(order.slice(i, i + 2).map((e) => auditEvent(e, h.container())));
            }
          } else {
            for (const event of order) await auditEvent(event, h.runtime);
          }
          const alerts = published();
          const ids = alerts.map((f) => f.id);
          expect(new Set(ids).size).toBe(ids.length);
          const superseded = Array.from({ length: n - 1 }, (_, d) => digest(100 + d)).sort();
          expect(alerts.map((f) => f.previousDigest).sort()).toEqual(superseded);
          // Every alert moves a tag forward in time, to a digest pushed later.
          for (const f of alerts) {
            expect(Number.parseInt(f.digest?.slice(-4) ?? '', 16)).toBeGreaterThan(
              Number.parseInt(f.previousDigest?.slice(-4) ?? '', 16),
            );
          }
          const tag = (
            await h.runtime.ledger.tags({
              account: SAMPLE.account,
              region: SAMPLE.region,
              repository,
            })
          ).get('v1');
          expect(tagState(tag).digest).toBe(digest(100 + n - 1));
        },
      ),
      { numRuns: 25 },
    );
  });
});
