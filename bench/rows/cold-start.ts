/**
 * Row 2: cold start of each built handler. Bytes of dist/handlers/<name>.mjs and its chunks
 * (those a cold start loads, and all of them as shipped) against a bundle of the same SDK clients
 * and a handler making the same calls (bench/baseline/, built with the handlers' esbuild options);
 * and a fresh Node process importing the bundle and serving its first event from the fakes,
 * against the baseline doing the same. Runs alternate between the two, and
 * every run's calls are counted at the fakes, so that both are known to do the same work.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BundlePair, type Composition, SCRATCH, shippedBytes } from '../lib/bundles.ts';
import { CHILDREN, runChild } from '../lib/child.ts';
import {
  BASELINE_TABLE,
  callsByOperation,
  cloudTrailPutImage,
  digestOf,
  type Fakes,
  imagePush,
  lambdaContext,
  lambdaEnv,
} from '../lib/fakes.ts';
import { type Row, type RowResult, smallTable } from '../lib/report.ts';
import { kb, median, ms, ratio } from '../lib/stats.ts';

interface ColdReport {
  ok: boolean;
  error?: string;
  bootMs: number;
  importMs: number;
  firstEventMs: number;
  coldMs: number;
  maxRssKiB: number;
  /** file: URLs of the modules the process loaded: the bundle and the chunks it used. */
  loaded: string[];
}

/** Bytes of the files a cold start loaded (each once). */
function loadedBytes(report: ColdReport): number {
  return [...new Set(report.loaded)].reduce((n, url) => n + statSync(fileURLToPath(url)).size, 0);
}

/** The registry the scan's first event reads: small, compliant, already in the ledger after warm-up. */
function seedRegistry(fakes: Fakes): void {
  for (let r = 0; r < 3; r++) {
    const name = `cold/service-${r}`;
    if (fakes.ecr.repositories.has(name)) continue;
    fakes.ecr.addRepository(name, {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      filters: ['dev-*', 'sha256-*'],
    });
    for (let t = 0; t < 5; t++) fakes.ecr.pushImage(name, `v1.${t}`, digestOf(1000 + r * 10 + t));
  }
}

function eventFor(name: BundlePair['name'], run: string): unknown {
  if (name === 'image-action') {
    return imagePush({
      id: `cold-${run}`,
      repository: 'cold/app',
      tag: `c-${run}`,
      digest: digestOf(7),
    });
  }
  if (name === 'api-call') {
    return cloudTrailPutImage({
      id: `cold-${run}`,
      repository: 'cold/app',
      tag: `a-${run}`,
      digest: digestOf(8),
    });
  }
  return {
    version: '0',
    id: `cold-${run}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

function sameCalls(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

function callText(calls: Record<string, number>): string {
  return Object.entries(calls)
    .sort()
    .map(([op, n]) => `${op}×${n}`)
    .join(', ');
}

/** Runs row 2 with `runs` cold starts of each bundle. */
export async function coldStart(
  fakes: Fakes,
  pairs: readonly BundlePair[],
  compositions: { handlers: Map<string, Composition>; baselines: Map<string, Composition> },
  runs: number,
): Promise<RowResult> {
  seedRegistry(fakes);
  const rows: Row[] = [];
  const details: string[] = [];
  const timing: string[][] = [];
  const calls: string[][] = [];
  for (const pair of pairs) {
    const context = lambdaContext(pair.name);
    const spawnOne = async (variant: 'handler' | 'baseline', run: string) => {
      const bundle = variant === 'handler' ? pair.handler : pair.baseline;
      const env = lambdaEnv(fakes, join(SCRATCH, 'home'), {
        BENCH_BUNDLE_URL: pathToFileURL(bundle).href,
        BENCH_EVENT: JSON.stringify(eventFor(pair.name, `${variant}-${run}`)),
        BENCH_CONTEXT: JSON.stringify(context),
        ...(variant === 'baseline' ? { LEDGER_TABLE_NAME: BASELINE_TABLE } : {}),
      });
      fakes.reset();
      const { report, wallMs } = await runChild<ColdReport>([join(CHILDREN, 'cold-start.mjs')], {
        env,
        timeoutMs: 60_000,
      });
      if (!report.ok) throw new Error(`${pair.name} ${variant}: ${report.error}`);
      const made = {
        ...callsByOperation(fakes.dynamo),
        ...callsByOperation(fakes.sns),
        ...callsByOperation(fakes.events),
        ...callsByOperation(fakes.ecr),
      };
      return { ...report, wallMs, calls: made };
    };
    // Warm-up (not measured): file cache, and the scan's first run seeds the ledgers.
    await spawnOne('handler', 'warmup');
    await spawnOne('baseline', 'warmup');
    const real: Awaited<ReturnType<typeof spawnOne>>[] = [];
    const base: Awaited<ReturnType<typeof spawnOne>>[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first in each pair of runs.
      if (i % 2 === 0) {
        real.push(await spawnOne('handler', String(i)));
        base.push(await spawnOne('baseline', String(i)));
      } else {
        base.push(await spawnOne('baseline', String(i)));
        real.push(await spawnOne('handler', String(i)));
      }
    }
    const realMs = median(real.map((r) => r.coldMs));
    const baseMs = median(base.map((r) => r.coldMs));
    // Every run loads the same files; the first run's are the figure.
    const realBytes = loadedBytes(real[0] as ColdReport);
    const baseBytes = loadedBytes(base[0] as ColdReport);
    const realShipped = shippedBytes(pair.handler);
    const baseShipped = shippedBytes(pair.baseline);
    const same = real.every((r, i) => sameCalls(r.calls, base[i]?.calls ?? {}));
    rows.push({
      id: `2 ${pair.name}`,
      what: `cold start: import + first event (${real[0] ? callText(real[0].calls) : ''})`,
      figure: `${ms(realMs)}`,
      baseline: `${ms(baseMs)}`,
      ratio: ratio(realMs / baseMs),
      budget: '≤ 1.15×',
      pass: realMs / baseMs <= 1.15,
    });
    rows.push({
      id: `2 ${pair.name}`,
      what: `bundle bytes loaded by the cold start (${real[0]?.loaded.length ?? 0} / ${base[0]?.loaded.length ?? 0} files)`,
      figure: kb(realBytes),
      baseline: kb(baseBytes),
      ratio: ratio(realBytes / baseBytes),
      budget: '≤ 1.10×',
      pass: realBytes / baseBytes <= 1.1,
    });
    rows.push({
      id: `2 ${pair.name}`,
      what: 'bundle bytes shipped (with the chunks loaded only when used)',
      figure: kb(realShipped),
      baseline: kb(baseShipped),
      ratio: ratio(realShipped / baseShipped),
      budget: '≤ 1.10×',
      pass: realShipped / baseShipped <= 1.1,
    });
    timing.push([
      pair.name,
      `${ms(median(real.map((r) => r.importMs)))} / ${ms(median(base.map((r) => r.importMs)))}`,
      `${ms(median(real.map((r) => r.firstEventMs)))} / ${ms(median(base.map((r) => r.firstEventMs)))}`,
      `${ms(median(real.map((r) => r.bootMs)))} / ${ms(median(base.map((r) => r.bootMs)))}`,
      `${ms(median(real.map((r) => r.wallMs)))} / ${ms(median(base.map((r) => r.wallMs)))}`,
      `${(median(real.map((r) => r.maxRssKiB)) / 1024).toFixed(0)} / ${(median(base.map((r) => r.maxRssKiB)) / 1024).toFixed(0)} MB`,
    ]);
    calls.push([
      pair.name,
      real[0] ? callText(real[0].calls) : '',
      base[0] ? callText(base[0].calls) : '',
      same ? 'same' : '**differ**',
    ]);
  }
  details.push(
    `Cold start, medians of ${runs} fresh processes each (handler / baseline, this machine):\n\n${smallTable(
      [
        'bundle',
        'import',
        'first event',
        'Node boot (not in the figure)',
        'spawn to exit',
        'peak RSS',
      ],
      timing,
    )}`,
  );
  details.push(
    `Calls made by the first event, counted at the fakes in every run:\n\n${smallTable(
      ['bundle', 'handler', 'baseline', ''],
      calls,
    )}`,
  );
  details.push(compositionTable(pairs, compositions));
  return { rows, details };
}

/** What the handler bundles hold beyond the baseline's, by package (minified bytes). */
function compositionTable(
  pairs: readonly BundlePair[],
  compositions: { handlers: Map<string, Composition>; baselines: Map<string, Composition> },
): string {
  const rows: string[][] = [];
  const names = pairs.map((p) => p.name);
  const packages = new Set<string>();
  for (const name of names) {
    const h = compositions.handlers.get(name);
    const b = compositions.baselines.get(name);
    for (const [pkg, bytes] of h?.byPackage ?? []) {
      if (bytes - (b?.byPackage.get(pkg) ?? 0) > 1500) packages.add(pkg);
    }
  }
  const extra = (name: string, pkg: string) =>
    (compositions.handlers.get(name)?.byPackage.get(pkg) ?? 0) -
    (compositions.baselines.get(name)?.byPackage.get(pkg) ?? 0);
  const sorted = [...packages].sort((a, b) => extra('image-action', b) - extra('image-action', a));
  for (const pkg of sorted) rows.push([pkg, ...names.map((n) => kb(extra(n, pkg)))]);
  rows.push([
    '**total over the baseline**',
    ...names.map((n) =>
      kb((compositions.handlers.get(n)?.bytes ?? 0) - (compositions.baselines.get(n)?.bytes ?? 0)),
    ),
  ]);
  return `What the handlers ship beyond their baselines, bundle and chunks (esbuild metafile, minified bytes; packages adding over 1.5 KB):\n\n${smallTable(['package or directory', ...names], rows)}`;
}
