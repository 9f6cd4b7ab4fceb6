/**
 * `npm run bench`: the performance benchmark of issue 4. Prints a Markdown table and writes it,
 * with the machine, the Node version and the method, to BENCHMARKS.md. Every figure is compared
 * with a baseline measured in the same run; medians over repeated runs; absolute times are this
 * machine's.
 *
 *   node bench/run.ts [--rows 1,2,3,4,5,6,7] [--quick] [--no-write] [--help]
 *
 * Expects the bundles of `npm run build` (the npm script builds first).
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareBundles, ROOT, SCRATCH } from './lib/bundles.ts';
import { type Fakes, startFakes } from './lib/fakes.ts';
import { describeMachine } from './lib/machine.ts';
import { type Row, type RowResult, table } from './lib/report.ts';
import { coldStart } from './rows/cold-start.ts';
import { compareWorstCase } from './rows/compare.ts';
import { handlerCalls } from './rows/handler-calls.ts';
import { organizationScan } from './rows/org-scan.ts';
import { replayThroughput } from './rows/replay.ts';
import { CURRENT_SETTING, scheduledScan } from './rows/scan.ts';

const ALL_ROWS = ['1', '2', '3', '4', '5', '6', '7'];
const HELP = `Usage: npm run bench -- [--rows 1,2,3,4,5,6,7] [--quick] [--no-write]

Measures the rows of BENCHMARKS.md, each against a baseline measured in the same run (the method:
bench/METHOD.md), prints the Markdown table and writes it to BENCHMARKS.md.

Options:
  --rows LIST   the rows to run, comma-separated (default: all; rows 1 and 3 run together)
  --quick       fewer repeats, for trying a change (with --no-write, BENCHMARKS.md stays as it is)
  --no-write    print the table only; BENCHMARKS.md is left as it is
  -h, --help    show this help
`;
let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions();
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n${HELP}`);
  process.exit(2);
}
if (parsed.values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const { values } = parsed;
const unknownRows = values.rows.split(',').filter((r) => !ALL_ROWS.includes(r.trim()));
if (unknownRows.length > 0) {
  process.stderr.write(`bench: --rows: no row ${unknownRows.join(', ')} (rows are 1-7)\n`);
  process.exit(2);
}

function parseOptions() {
  return parseArgs({
    options: {
      rows: { type: 'string', default: ALL_ROWS.join(',') },
      quick: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
const wanted = new Set(values.rows.split(',').map((r) => r.trim()));
const quick = values.quick;

const started = performance.now();
const log = (message: string) =>
  process.stderr.write(
    `[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`,
  );

const results: { row: string; result: RowResult }[] = [];
let fakes: Fakes | undefined;
mkdirSync(SCRATCH, { recursive: true });
try {
  fakes = await startFakes();
  const bundles = await prepareBundles();
  if (wanted.has('1') || wanted.has('3')) {
    log('rows 1 and 3: calls per push, warm latency');
    const imageAction = bundles.pairs.find((p) => p.name === 'image-action');
    if (!imageAction) throw new Error('no image-action bundle');
    results.push({
      row: '1',
      result: await handlerCalls(fakes, imageAction, bundles.baselineSdk, quick ? 500 : 3000),
    });
  }
  if (wanted.has('2')) {
    log('row 2: cold starts');
    results.push({
      row: '2',
      result: await coldStart(fakes, bundles.pairs, bundles, quick ? 3 : 9),
    });
  }
  if (wanted.has('4')) {
    log('row 4: replay throughput');
    results.push({ row: '4', result: await replayThroughput(quick ? 2 : 5) });
  }
  if (wanted.has('5')) {
    log('row 5: drift comparison worst case');
    results.push({ row: '5', result: await compareWorstCase(quick) });
  }
  if (wanted.has('6')) {
    log('row 6: scheduled scan');
    const others = quick
      ? []
      : [
          { ...CURRENT_SETTING, concurrency: 8 },
          { ...CURRENT_SETTING, retryMode: 'adaptive' as const },
          { ...CURRENT_SETTING, concurrency: 16, retryMode: 'standard' as const },
          { ...CURRENT_SETTING, ledger: 'memory' as const },
        ];
    results.push({
      row: '6',
      result: await scheduledScan(
        fakes,
        CURRENT_SETTING,
        quick ? 1 : 3,
        others,
        quick ? 500 : 2000,
      ),
    });
  }
  if (wanted.has('7')) {
    log('row 7: organization scan');
    results.push({
      row: '7',
      result: await organizationScan(quick ? 1 : 3, quick ? 1 : 3, quick ? 10 : 1),
    });
  }
} finally {
  await fakes?.close();
}

// In the order (rows 1 and 3 are measured together).
const rowNumber = (row: Row) => Number.parseInt(row.id, 10);
const rows: Row[] = results
  .flatMap((r) => r.result.rows)
  .map((row, index) => ({ row, index }))
  .sort((a, b) => rowNumber(a.row) - rowNumber(b.row) || a.index - b.index)
  .map(({ row }) => row);
const totalS = (performance.now() - started) / 1000;
const machine = describeMachine();
const text = table(rows);
const failed = rows.filter((r) => !r.pass).length;
const summary = `${rows.length - failed} of ${rows.length} figures within budget. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}; ${machine.os}; Node ${machine.node}. Total run time ${totalS.toFixed(0)} s${quick ? ' (--quick: fewer repeats)' : ''}.`;
process.stdout.write(`${text}\n\n${summary}\n`);
const details = results
  .map((r) => r.result.details.join('\n\n'))
  .filter((d) => d !== '')
  .join('\n\n');
if (process.env.BENCH_DETAILS) process.stdout.write(`\n${details}\n`);
if (!values['no-write']) {
  const method = readFileSync(join(ROOT, 'bench/METHOD.md'), 'utf8').trim();
  const analysis = readFileSync(join(ROOT, 'bench/ANALYSIS.md'), 'utf8').trim();
  const file = join(ROOT, 'BENCHMARKS.md');
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const partial = ALL_ROWS.some((r) => !wanted.has(r));
  const previous = partial ? readPrevious(file) : undefined;
  writeFileSync(
    file,
    previous !== undefined
      ? merge(previous, { rows, method, details, summary, stamp })
      : `# Benchmarks\n\nWritten by \`npm run bench\` (bench/run.ts) on ${stamp} UTC. Absolute times and rates are this machine's; each figure is compared with a baseline measured in the same run.\n\n${text}\n\n${summary}\n\n## Method\n\n${method}\n\n## Details of this run\n\n${details}\n\n${analysis}\n`,
  );
}

function readPrevious(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Some rows only (`--rows`): their lines replace theirs in the existing table (the other rows
 * kept as they were measured), the method is the current one, and their details and summary are
 * added as a section of their own before the analysis.
 */
function merge(
  previous: string,
  run: { rows: Row[]; method: string; details: string; summary: string; stamp: string },
): string {
  const ran = new Set(run.rows.map(rowNumber));
  const lines = previous.split('\n');
  const isRow = (line: string) => /^\| \d+/.test(line);
  const first = lines.findIndex(isRow);
  if (first < 0) return previous;
  let end = first;
  while (end < lines.length && isRow(lines[end] as string)) end++;
  const numberOf = (line: string) => Number.parseInt(line.slice(2), 10);
  const kept = lines.slice(first, end).filter((line) => !ran.has(numberOf(line)));
  const added = table(run.rows).split('\n').slice(2);
  const merged = [...kept, ...added]
    .map((line, index) => ({ line, index }))
    .sort((a, b) => numberOf(a.line) - numberOf(b.line) || a.index - b.index)
    .map(({ line }) => line);
  const ids = [...ran].sort((a, b) => a - b).join(', ');
  let out = [...lines.slice(0, first), ...merged, ...lines.slice(end)].join('\n');
  out = out.replace(
    /\n## Method\n[\s\S]*?\n## Details of this run\n/,
    `\n## Method\n\n${run.method}\n\n## Details of this run\n`,
  );
  const section = `### Row ${ids}, run on ${run.stamp} UTC (\`--rows ${ids}\`)\n\n${run.summary}\n\n${run.details}\n\n`;
  const analysisAt = out.search(/\n## Where a budget/);
  return analysisAt < 0
    ? `${out.trimEnd()}\n\n${section}`
    : `${out.slice(0, analysisAt + 1)}${section}${out.slice(analysisAt + 1)}`;
}
