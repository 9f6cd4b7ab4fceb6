// Row 2: a fresh process imports one bundle and serves its first event, as a Lambda cold start
// does. Times are this process's own (performance.now() counts from the process's start), so that
// spawning it is not measured; reports on fd 3 and exits. It also reports which files it loaded:
// a bundle's chunks are loaded only when used, and what a cold start loads is what it pays for.
import { writeSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = [];
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:')) loaded.push(url);
    return nextLoad(url, context);
  },
});

const t0 = performance.now();
const { handler } = await import(process.env.BENCH_BUNDLE_URL);
const t1 = performance.now();
const event = JSON.parse(process.env.BENCH_EVENT);
const context = JSON.parse(process.env.BENCH_CONTEXT);
let ok = true;
let error;
try {
  await handler(event, { ...context, getRemainingTimeInMillis: () => 30_000 });
} catch (e) {
  ok = false;
  error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
const t2 = performance.now();
writeSync(
  3,
  `${JSON.stringify({
    ok,
    error,
    bootMs: t0,
    importMs: t1 - t0,
    firstEventMs: t2 - t1,
    coldMs: t2 - t0,
    maxRssKiB: process.resourceUsage().maxRSS,
    loaded,
  })}\n`,
);
process.exit(0);
