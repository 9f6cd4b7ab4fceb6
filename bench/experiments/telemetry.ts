/**
 * What Powertools and middy add to a cold start (row 2's analysis; not part of `npm run bench`).
 * Builds the image-action handler as `npm run build` does, once as it is and once with Powertools
 * Logger and Metrics and middy replaced by stand-ins that write the same JSON log lines and EMF
 * metrics (telemetry-standins.mjs), and measures both as row 2 does, each against the baseline.
 *
 *   node bench/experiments/telemetry.ts [runs]   (after npm run bench, which builds the baseline)
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { handlerOptions, ROOT, SCRATCH } from '../lib/bundles.ts';
import { startFakes } from '../lib/fakes.ts';
import { table } from '../lib/report.ts';
import { coldStart } from '../rows/cold-start.ts';

const runs = Number(process.argv[2] ?? 9);
const baseline = join(SCRATCH, 'baseline/image-action.mjs');
if (!existsSync(baseline)) throw new Error(`no ${baseline}: run npm run bench first`);

const options = await handlerOptions('image-action');
const standIns: Plugin = {
  name: 'telemetry-stand-ins',
  setup(b) {
    const filter = /^(@aws-lambda-powertools\/(logger|metrics)(\/middleware)?|@middy\/core)$/;
    b.onResolve({ filter }, () => ({
      path: join(ROOT, 'bench/experiments/telemetry-standins.mjs'),
    }));
  },
};
const variants = [
  { what: 'as built', plugins: [] },
  { what: 'Powertools and middy replaced by stand-ins', plugins: [standIns] },
];
const fakes = await startFakes();
const none = { handlers: new Map(), baselines: new Map() };
for (const { what, plugins } of variants) {
  const out = join(SCRATCH, `telemetry-${plugins.length}`);
  await build({
    ...options,
    absWorkingDir: ROOT,
    entryPoints: { 'image-action': 'handlers/image-action.ts' },
    outdir: out,
    plugins,
  });
  const pair = { name: 'image-action' as const, handler: join(out, 'image-action.mjs'), baseline };
  const result = await coldStart(fakes, [pair], none, runs);
  console.log(`${what}:\n${table(result.rows.slice(0, 2))}\n`);
}
await fakes.close();
