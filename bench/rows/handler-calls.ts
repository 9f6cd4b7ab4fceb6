/**
 * Rows 1 and 3, in one warm container (bench/children/host.ts) running the built image-action
 * bundle against the fakes.
 *
 * Row 1: the AWS calls one `ECR Image Action` push costs, counted at the fakes, against the
 * fewest any auditor must make (one ledger write; with a finding, one ledger write, one put on
 * the event bus and one publish).
 *
 * Row 3: warm latency per push, p50/p99, against the same SDK calls made directly (the
 * baseline's bundled SDK functions, bench/baseline/sdk.ts), interleaved push by push.
 *
 * @module
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishedMessage } from '../../test/fakes/sns.ts';
import type { BundlePair } from '../lib/bundles.ts';
import { SCRATCH } from '../lib/bundles.ts';
import { CHILDREN, startHost } from '../lib/child.ts';
import {
  callsByOperation,
  digestOf,
  type Fakes,
  imagePush,
  lambdaContext,
  lambdaEnv,
} from '../lib/fakes.ts';
import { type Row, type RowResult, smallTable } from '../lib/report.ts';
import { ms, quantile, ratio } from '../lib/stats.ts';

function callText(calls: Record<string, number>): string {
  const text = Object.entries(calls)
    .sort()
    .map(([op, n]) => `${op}×${n}`)
    .join(', ');
  return text === '' ? 'none' : text;
}

const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

/** Runs rows 1 and 3. `samples`: timed pushes per variant and kind. */
export async function handlerCalls(
  fakes: Fakes,
  imageAction: BundlePair,
  baselineSdk: string,
  samples: number,
): Promise<RowResult> {
  const host = startHost(join(CHILDREN, 'host.ts'), {
    env: lambdaEnv(fakes, join(SCRATCH, 'home'), {
      BENCH_BUNDLE_URL: pathToFileURL(imageAction.handler).href,
      BENCH_BASELINE_URL: pathToFileURL(baselineSdk).href,
      BENCH_CONTEXT: JSON.stringify(lambdaContext('image-action')),
    }),
  });
  const rows: Row[] = [];
  const details: string[] = [];
  try {
    // Row 1: one event at a time, the fakes' logs cleared before each.
    const time = (s: number) =>
      new Date(Date.UTC(2025, 6, 25, 0, 0, s)).toISOString().replace('.000Z', 'Z');
    const cases: { name: string; event: unknown; expect: string }[] = [
      {
        name: 'push of a new tag (no finding)',
        event: imagePush({
          id: 'c1',
          repository: 'calls/app',
          tag: 'v1',
          digest: digestOf(1),
          time: time(1),
        }),
        expect: '1',
      },
      {
        name: 'same push delivered again (no finding)',
        event: imagePush({
          id: 'c1',
          repository: 'calls/app',
          tag: 'v1',
          digest: digestOf(1),
          time: time(1),
        }),
        expect: '1',
      },
      {
        name: 'identical re-push, new event (no finding)',
        event: imagePush({
          id: 'c2',
          repository: 'calls/app',
          tag: 'v1',
          digest: digestOf(1),
          time: time(2),
        }),
        expect: '1',
      },
      {
        name: 'overwrite of an immutable tag (HIGH finding, put on the bus and alerted)',
        event: imagePush({
          id: 'c3',
          repository: 'calls/app',
          tag: 'v1',
          digest: digestOf(2),
          time: time(3),
        }),
        expect: '≤ 4',
      },
      {
        name: 'that overwrite delivered again (finding, not put or alerted twice)',
        event: imagePush({
          id: 'c3',
          repository: 'calls/app',
          tag: 'v1',
          digest: digestOf(2),
          time: time(3),
        }),
        expect: '—',
      },
      {
        name: 'overwrite of a dev-* tag (INFO, below ALERT_MIN_SEVERITY: put on the bus only)',
        event: imagePush({
          id: 'c4',
          repository: 'calls/app',
          tag: 'dev-1',
          digest: digestOf(3),
          time: time(4),
        }),
        expect: '≤ 3',
      },
      {
        name: 'delete of a tag',
        event: imagePush({
          id: 'c5',
          repository: 'calls/app',
          tag: 'v1',
          digest: digestOf(2),
          time: time(5),
          action: 'DELETE',
        }),
        expect: '1',
      },
    ];
    // The dev-1 tag must exist first for its push to be an overwrite.
    await host.request({
      cmd: 'invoke',
      event: imagePush({
        id: 'c0',
        repository: 'calls/app',
        tag: 'dev-1',
        digest: digestOf(9),
        time: time(0),
      }),
    });
    const measured: { name: string; calls: Record<string, number>; expect: string }[] = [];
    /** What the handler sent for the alerted overwrite, before the next case resets the fakes. */
    let sent: { message?: PublishedMessage; detail?: unknown } = {};
    for (const c of cases) {
      fakes.reset();
      await host.request({ cmd: 'invoke', event: c.event });
      if (c === cases[3]) {
        sent = {
          message: fakes.sns.published.at(-1),
          detail: fakes.events.put.at(-1)?.event.detail,
        };
      }
      measured.push({
        name: c.name,
        expect: c.expect,
        calls: {
          ...callsByOperation(fakes.dynamo),
          ...callsByOperation(fakes.events),
          ...callsByOperation(fakes.sns),
        },
      });
    }
    const plain = measured[0]?.calls ?? {};
    const overwrite = measured[3]?.calls ?? {};
    rows.push({
      id: '1',
      what: `AWS calls per push, no finding (${callText(plain)})`,
      figure: String(total(plain)),
      baseline: '1 (ledger write)',
      ratio: ratio(total(plain) / 1),
      budget: '1',
      pass: total(plain) <= 1,
    });
    rows.push({
      id: '1',
      what: `AWS calls per push with a finding (${callText(overwrite)})`,
      figure: String(total(overwrite)),
      baseline: '3 (ledger write + put event + publish)',
      ratio: ratio(total(overwrite) / 3),
      budget: '≤ 4',
      pass: total(overwrite) <= 4,
    });
    details.push(
      `AWS calls per \`ECR Image Action\` event, counted at the fakes (built image-action handler, ALERT_MIN_SEVERITY=LOW):\n\n${smallTable(
        ['event', 'calls', 'total', 'budget'],
        measured.map((m) => [m.name, callText(m.calls), String(total(m.calls)), m.expect]),
      )}`,
    );

    // The alert and the event the handler sent, so that the baseline sends the same bytes.
    const published = sent.message;
    const alert = published
      ? {
          subject: published.subject ?? '',
          message: published.message,
          attributes: Object.fromEntries(
            Object.entries(published.messageAttributes).map(([k, v]) => [
              k,
              { DataType: v.dataType, StringValue: v.stringValue ?? '' },
            ]),
          ),
          ...(sent.detail === undefined ? {} : { detail: JSON.stringify(sent.detail) }),
        }
      : undefined;

    // Row 3: warm-up, then batches (the fakes' request logs are cleared between batches).
    const batch = 250;
    const results: Record<'push' | 'overwrite', { real: number[]; base: number[] }> = {
      push: { real: [], base: [] },
      overwrite: { real: [], base: [] },
    };
    let offset = 0;
    for (const overwrite of [false, true]) {
      await host.request({ cmd: 'warm', n: 100, offset, overwrite, alert });
      offset += 100;
      fakes.reset();
    }
    for (let done = 0; done < samples; done += batch) {
      for (const overwrite of [false, true]) {
        const n = Math.min(batch, samples - done);
        const out = await host.request<{ real: number[]; base: number[] }>({
          cmd: 'warm',
          n,
          offset,
          overwrite,
          alert,
        });
        offset += n;
        fakes.reset();
        const into = results[overwrite ? 'overwrite' : 'push'];
        into.real.push(...out.real);
        into.base.push(...out.base);
      }
    }
    const latency: string[][] = [];
    for (const [kind, label] of [
      ['push', 'push, no finding'],
      ['overwrite', 'overwrite, alerted'],
    ] as const) {
      const { real, base } = results[kind];
      const p99 = quantile(real, 0.99);
      const b99 = quantile(base, 0.99);
      rows.push({
        id: '3',
        what: `warm latency per push, p99 — ${label} (p50 ${ms(quantile(real, 0.5))} vs ${ms(quantile(base, 0.5))})`,
        figure: ms(p99),
        baseline: ms(b99),
        ratio: ratio(p99 / b99),
        budget: 'p99 ≤ 1.3×',
        pass: p99 / b99 <= 1.3,
      });
      latency.push([
        label,
        String(real.length),
        `${ms(quantile(real, 0.5))} / ${ms(quantile(base, 0.5))}`,
        `${ms(quantile(real, 0.9))} / ${ms(quantile(base, 0.9))}`,
        `${ms(quantile(real, 0.99))} / ${ms(quantile(base, 0.99))}`,
        `${ms(Math.max(...real))} / ${ms(Math.max(...base))}`,
        ratio(quantile(real, 0.5) / quantile(base, 0.5)),
      ]);
    }
    details.push(
      `Warm latency per push, built image-action handler / the same SDK calls made directly, interleaved (this machine):\n\n${smallTable(
        ['event', 'samples each', 'p50', 'p90', 'p99', 'max', 'p50 ratio'],
        latency,
      )}`,
    );
  } finally {
    await host.close();
  }
  return { rows, details };
}
