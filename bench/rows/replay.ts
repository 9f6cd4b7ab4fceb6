/**
 * Row 4: replay throughput and peak RSS on 1,000,000 generated NDJSON events, against reading
 * the same file line by line and JSON.parse of each line (the least any replay must do). Both
 * run as fresh processes, alternately; rates are events per second of wall time from spawn to
 * exit; peak RSS is each process's own `maxRSS` (bench/children/report.mjs for the CLI).
 *
 * @module
 */
import { join } from 'node:path';
import { ROOT, SCRATCH } from '../lib/bundles.ts';
import { CHILDREN, runChild } from '../lib/child.ts';
import { ensureReplayFile, ISSUE_WORKLOAD } from '../lib/replay-data.ts';
import { type Row, type RowResult, smallTable } from '../lib/report.ts';
import { int, median, mib, ms, ratio } from '../lib/stats.ts';

interface LinesReport {
  lines: number;
  ms: number;
  maxRssKiB: number;
}

/** Runs row 4 with `runs` runs of each. */
export async function replayThroughput(runs: number): Promise<RowResult> {
  const started = performance.now();
  const file = ensureReplayFile(join(SCRATCH, 'replay-1m.ndjson'), ISSUE_WORKLOAD);
  const generatedMs = performance.now() - started;
  const cli = join(ROOT, 'dist/cli.mjs');
  const policy = join(ROOT, 'policy.yml');
  const baselineWays = ['split', 'readline'] as const;
  const base: Record<(typeof baselineWays)[number], { wall: number; rss: number }[]> = {
    split: [],
    readline: [],
  };
  const real: { wall: number; rss: number }[] = [];
  const runBaseline = async (how: (typeof baselineWays)[number]) => {
    const { report, wallMs } = await runChild<LinesReport>(
      [join(CHILDREN, 'read-lines.mjs'), file.path, how],
      { timeoutMs: 300_000 },
    );
    if (report.lines !== file.events) throw new Error(`baseline read ${report.lines} lines`);
    base[how].push({ wall: wallMs, rss: report.maxRssKiB * 1024 });
  };
  const runReplay = async () => {
    const { report, wallMs, stderr } = await runChild<{ maxRssKiB: number; code: number }>(
      [
        '--import',
        join(CHILDREN, 'report.mjs'),
        cli,
        'replay',
        '--policy',
        policy,
        '--format',
        'ndjson',
        '--min-severity',
        'INFO',
        file.path,
      ],
      { timeoutMs: 300_000 },
    );
    const applied = /(\d+) event\(s\) applied/.exec(stderr)?.[1];
    const findings = /(\d+) finding\(s\)/.exec(stderr)?.[1];
    if (Number(applied) !== file.events || Number(findings) !== file.overwrites) {
      throw new Error(`replay gave: ${stderr.trim()} (expected ${file.overwrites} findings)`);
    }
    real.push({ wall: wallMs, rss: report.maxRssKiB * 1024 });
  };
  // Warm-up: the file into the page cache, both programs once.
  await runBaseline('split');
  await runReplay();
  real.length = 0;
  base.split.length = 0;
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      await runReplay();
      for (const how of baselineWays) await runBaseline(how);
    } else {
      for (const how of baselineWays) await runBaseline(how);
      await runReplay();
    }
  }
  const rate = (wall: number) => file.events / (wall / 1000);
  const realRate = median(real.map((r) => rate(r.wall)));
  const splitRate = median(base.split.map((r) => rate(r.wall)));
  const readlineRate = median(base.readline.map((r) => rate(r.wall)));
  // The baseline is the faster way to read the lines, so that the comparison is the strict one.
  const baseRate = Math.max(splitRate, readlineRate);
  const baseName = splitRate >= readlineRate ? 'split' : 'readline';
  const peak = Math.max(...real.map((r) => r.rss));
  const rows: Row[] = [
    {
      id: '4',
      what: `replay throughput, ${int(file.events)} NDJSON events (ecr-tag-auditor replay, ndjson out)`,
      figure: `${int(realRate)} events/s`,
      baseline: `${int(baseRate)} lines/s (read + JSON.parse, ${baseName})`,
      ratio: ratio(realRate / baseRate),
      budget: '≥ 0.5×',
      pass: realRate / baseRate >= 0.5,
    },
    {
      id: '4',
      what: 'replay peak RSS (largest of the runs)',
      figure: mib(peak),
      baseline: mib(Math.max(...base[baseName].map((r) => r.rss))),
      ratio: '—',
      budget: '≤ 512 MB',
      pass: peak <= 512 * 2 ** 20,
    },
  ];
  const details = [
    `Replay workload: ${int(file.events)} ECR Image Action PUSH events (${(file.bytes / 1e6).toFixed(0)} MB of NDJSON) over ${int(ISSUE_WORKLOAD.tags)} tags in 1,000 repositories, ${int(file.overwrites)} of them moving a tag (${((100 * file.overwrites) / file.events).toFixed(2)} %), delivered slightly out of order (shuffled within windows of 64 lines); generated once into .bench-tmp/ (${ms(generatedMs)} this run). The replay prints its ${int(file.overwrites)} findings as NDJSON to /dev/null.\n\n${smallTable(
      ['program', 'runs', 'median wall time', 'rate', 'peak RSS'],
      [
        [
          '`ecr-tag-auditor replay`',
          String(real.length),
          ms(median(real.map((r) => r.wall))),
          `${int(realRate)} events/s`,
          mib(peak),
        ],
        [
          'read + split chunks + JSON.parse',
          String(base.split.length),
          ms(median(base.split.map((r) => r.wall))),
          `${int(splitRate)} lines/s`,
          mib(Math.max(...base.split.map((r) => r.rss))),
        ],
        [
          'node:readline + JSON.parse',
          String(base.readline.length),
          ms(median(base.readline.map((r) => r.wall))),
          `${int(readlineRate)} lines/s`,
          mib(Math.max(...base.readline.map((r) => r.rss))),
        ],
      ],
    )}`,
  ];
  return { rows, details };
}
