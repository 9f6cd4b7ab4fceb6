/**
 * Throwaway builds for row 2's investigation (not part of `npm run bench`): the handler bundles
 * and their baselines built with changes that belong to files others own, measured the way row 2
 * measures. `node bench/experiments.ts [runs]`.
 *
 * - `no-yaml`: lib/runtime/settings.ts as proposed in BENCHMARKS.md — the build inlines the
 *   policy it validated as JSON, and a bundle loads it without the YAML parser (POLICY_PATH is
 *   read at build time).
 * - `cjs-sdk`: esbuild's default `mainFields` for Node (`main` first: the SDK's CommonJS builds),
 *   as scripts/build.mjs had it before `mainFields: ['module', 'main']`; baselines too.
 * - `own-telemetry`: Powertools Logger/Metrics and middy replaced by a few lines that write the
 *   same JSON log lines and EMF metrics (stand-ins written here, to size the idea).
 *
 * @module
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { parsePolicy } from '../lib/policy/index.ts';
import { type BundlePair, HANDLER_NAMES, ROOT, SCRATCH } from './lib/bundles.ts';
import { startFakes } from './lib/fakes.ts';
import { table } from './lib/report.ts';
import { coldStart } from './rows/cold-start.ts';

/** lib/runtime/settings.ts with the proposed yaml-free loading of the bundled policy. */
function settingsWithoutYaml(): string {
  const original = readFileSync(join(ROOT, 'lib/runtime/settings.ts'), 'utf8');
  const head = original
    .replace(
      "import { type Policy, parsePolicy } from '../policy/index.ts';",
      "import { loadPolicy } from '../policy/load.ts';\nimport { preparePolicy } from '../policy/resolve.ts';\nimport type { Policy } from '../policy/types.ts';",
    )
    .replace("import { readFile } from 'node:fs/promises';\n", '');
  const cut = head.indexOf('/** The policy text inlined by the build');
  return `${head.slice(0, cut)}
/** The policy the build validated, as JSON (scripts/build.mjs); undefined outside a bundle. */
declare const __BUNDLED_POLICY_JSON__: Policy | undefined;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export async function loadRuntimePolicy(
  settings: Pick<RuntimeSettings, 'policyPath'>,
): Promise<Policy> {
  if (typeof __BUNDLED_POLICY_JSON__ !== 'undefined') {
    if (settings.policyPath) {
      throw new ConfigurationError('POLICY_PATH is read when the functions are built, not at run time');
    }
    const policy = deepFreeze(__BUNDLED_POLICY_JSON__);
    preparePolicy(policy);
    return policy;
  }
  return loadPolicy(settings.policyPath ?? 'policy.yml');
}
`;
}

/**
 * What the handler build would put in place of lib/policy/load.ts: the policy loader, without
 * the YAML parser. Everything the runtime imports through lib/policy/index.ts stays; loading a
 * policy file fails loudly.
 */
const LOAD_STUB = `
import { PolicyError } from './errors.ts';
export const POLICY_LIMITS = { maxBytes: 1024 * 1024 };
const refuse = (file: string) => {
  throw new PolicyError([{ file, line: 0, column: 0, message: 'the functions load the policy validated at build time; set POLICY_PATH when building' }]);
};
export function parsePolicy(_text: string, file: string): never { return refuse(file); }
export async function loadPolicy(path: string): Promise<never> { return refuse(path); }
`;

function patchSettings(): Plugin {
  const text = settingsWithoutYaml();
  return {
    name: 'settings-without-yaml',
    setup(b) {
      b.onLoad({ filter: /lib\/runtime\/settings\.ts$/ }, () => ({ contents: text, loader: 'ts' }));
      b.onLoad({ filter: /lib\/policy\/load\.ts$/ }, () => ({ contents: LOAD_STUB, loader: 'ts' }));
    },
  };
}

/** Stand-ins of what lib/runtime/lambda.ts uses from Powertools and middy. */
const TELEMETRY_STUBS: Record<string, string> = {
  '@aws-lambda-powertools/logger': `
export class Logger {
  constructor(o = {}) { this.service = o.serviceName; this.context = {}; }
  log(level, message, extra) {
    process.stdout.write(JSON.stringify({ level, message, timestamp: new Date().toISOString(), service: this.service, ...this.context, ...extra }) + '\\n');
  }
  info(m, e) { this.log('INFO', m, e); }
  warn(m, e) { this.log('WARN', m, e); }
  error(m, e) { this.log('ERROR', m, e); }
}`,
  '@aws-lambda-powertools/logger/middleware': `
export const injectLambdaContext = (logger) => ({
  before: (r) => { logger.context = { function_request_id: r.context?.awsRequestId, function_name: r.context?.functionName }; },
});`,
  '@aws-lambda-powertools/metrics': `
export const MetricUnit = { Count: 'Count' };
export class Metrics {
  constructor(o = {}) { this.namespace = o.namespace; this.service = o.serviceName; this.values = {}; }
  addMetric(name, unit, value) { this.values[name] = (this.values[name] ?? 0) + value; }
  publishStoredMetrics() {
    const names = Object.keys(this.values);
    if (names.length === 0) return;
    process.stdout.write(JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: this.namespace, Dimensions: [['service']], Metrics: names.map((Name) => ({ Name, Unit: 'Count' })) }] }, service: this.service, ...this.values }) + '\\n');
    this.values = {};
  }
}`,
  '@aws-lambda-powertools/metrics/middleware': `
export const logMetrics = (metrics) => ({ after: () => metrics.publishStoredMetrics(), onError: () => metrics.publishStoredMetrics() });`,
  '@middy/core': `
export default function middy() {
  const middlewares = [];
  const api = {
    use(m) { middlewares.push(m); return api; },
    handler(fn) {
      return async (event, context) => {
        const request = { event, context };
        for (const m of middlewares) await m.before?.(request);
        try {
          const result = await fn(event, context);
          for (const m of [...middlewares].reverse()) await m.after?.(request);
          return result;
        } catch (error) {
          for (const m of [...middlewares].reverse()) await m.onError?.(request);
          throw error;
        }
      };
    },
  };
  return api;
}`,
};

function stubTelemetry(): Plugin {
  return {
    name: 'own-telemetry',
    setup(b) {
      b.onResolve({ filter: /^(@aws-lambda-powertools\/|@middy\/core$)/ }, (args) =>
        TELEMETRY_STUBS[args.path] === undefined
          ? undefined
          : { path: args.path, namespace: 'telemetry-stub' },
      );
      b.onLoad({ filter: /.*/, namespace: 'telemetry-stub' }, (args) => ({
        contents: TELEMETRY_STUBS[args.path],
        loader: 'js',
      }));
    },
  };
}

interface Variant {
  readonly name: string;
  readonly noYaml: boolean;
  readonly cjsSdk: boolean;
  readonly ownTelemetry: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'as built', noYaml: false, cjsSdk: false, ownTelemetry: false },
  { name: 'cjs-sdk', noYaml: false, cjsSdk: true, ownTelemetry: false },
  { name: 'no-yaml', noYaml: true, cjsSdk: false, ownTelemetry: false },
  { name: 'no-yaml + own-telemetry', noYaml: true, cjsSdk: false, ownTelemetry: true },
  { name: 'no-yaml + cjs-sdk', noYaml: true, cjsSdk: true, ownTelemetry: false },
];

async function buildVariant(v: Variant): Promise<BundlePair[]> {
  const script = (await import(pathToFileURL(join(ROOT, 'scripts/build.mjs')).href)) as {
    handlerBuildOptions(policy: { file: string; text: string }): Record<string, unknown>;
  };
  const text = readFileSync(join(ROOT, 'policy.yml'), 'utf8');
  const options = script.handlerBuildOptions({ file: 'policy.yml', text });
  const sdk = v.cjsSdk ? { mainFields: ['main', 'module'] } : {};
  const extra = {
    ...sdk,
    plugins: [...(v.noYaml ? [patchSettings()] : []), ...(v.ownTelemetry ? [stubTelemetry()] : [])],
    ...(v.noYaml
      ? {
          define: {
            ...(options.define as Record<string, string>),
            __BUNDLED_POLICY_JSON__: JSON.stringify(parsePolicy(text, 'policy.yml')),
          },
        }
      : {}),
  };
  const dir = join(SCRATCH, 'experiments', v.name.replace(/\W+/g, '-'));
  mkdirSync(dir, { recursive: true });
  await build({
    ...options,
    ...extra,
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(HANDLER_NAMES.map((n) => [n, `handlers/${n}.ts`])),
    outdir: join(dir, 'handlers'),
    outExtension: { '.js': '.mjs' },
  });
  await build({
    ...options,
    ...sdk,
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(HANDLER_NAMES.map((n) => [n, `bench/baseline/${n}.ts`])),
    outdir: join(dir, 'baseline'),
    outExtension: { '.js': '.mjs' },
  });
  return HANDLER_NAMES.map((name) => ({
    name,
    handler: join(dir, 'handlers', `${name}.mjs`),
    baseline: join(dir, 'baseline', `${name}.mjs`),
  }));
}

const runs = Number(process.argv[2] ?? 9);
const noMaps = { handlers: new Map(), baselines: new Map() };
const fakes = await startFakes();
try {
  const built = new Map<string, BundlePair[]>();
  for (const v of VARIANTS) built.set(v.name, await buildVariant(v));
  for (const v of VARIANTS) {
    const result = await coldStart(fakes, built.get(v.name) ?? [], noMaps, runs);
    process.stdout.write(`\n### ${v.name}\n\n${table(result.rows)}\n\n${result.details[0]}\n`);
  }
  // Each variant against the bundles as built, directly (cold start and bytes).
  const asBuilt = built.get('as built') ?? [];
  for (const v of VARIANTS.slice(1)) {
    const pairs = (built.get(v.name) ?? []).map((p, i) => ({
      ...p,
      baseline: asBuilt[i]?.handler ?? p.baseline,
    }));
    const result = await coldStart(fakes, pairs, noMaps, runs);
    process.stdout.write(`\n### ${v.name} against as built\n\n${table(result.rows)}\n`);
  }
} finally {
  await fakes.close();
}
