/**
 * The bundles compared in rows 2 and 3: the handlers as `npm run build` makes them
 * (dist/handlers/), and the baselines (bench/baseline/) built with the very same esbuild options
 * (imported from scripts/build.mjs), into .bench-tmp/baseline/.
 *
 * @module
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { loadPolicy } from '../../lib/io/policy/load.ts';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Scratch space of the benchmark (git-ignored). */
export const SCRATCH = join(ROOT, '.bench-tmp');

export const HANDLER_NAMES = ['image-action', 'api-call', 'scheduled-scan'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Paths of one handler's bundle and its baseline's. */
export interface BundlePair {
  readonly name: HandlerName;
  readonly handler: string;
  readonly baseline: string;
}

/** What a bundle and its chunks are made of, by package (bytes in the minified output). */
export interface Composition {
  readonly bytes: number;
  readonly byPackage: ReadonlyMap<string, number>;
}

interface BuildScript {
  handlerBuildOptions(name: string, policyJson: string): Record<string, unknown>;
}

/** The build script and the policy JSON it inlines, read once per benchmark process. */
let inputs: Promise<{ script: BuildScript; policyJson: string }> | undefined;

/**
 * The esbuild options of one handler's bundle as scripts/build.mjs makes them, with the
 * repository's policy inlined.
 */
export async function handlerOptions(name: string): Promise<Record<string, unknown>> {
  inputs ??= (async () => {
    const url = pathToFileURL(join(ROOT, 'scripts/build.mjs')).href;
    const script = (await import(url)) as BuildScript;
    const policy = await loadPolicy(join(ROOT, 'policy.yml'));
    return { script, policyJson: JSON.stringify({ ...policy, file: 'policy.yml' }) };
  })();
  const { script, policyJson } = await inputs;
  return script.handlerBuildOptions(name, policyJson);
}

/** What one build holds (its entry and every chunk), by package. */
function compositionOf(metafile: Metafile): Composition {
  let bytes = 0;
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    bytes += output.bytes;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ?? input.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return { bytes, byPackage };
}

/** Builds one entry as the handlers are built (its own chunks), with a metafile. */
async function buildOne(name: string, entry: string, outdir: string): Promise<Composition> {
  const result = await build({
    ...(await handlerOptions(name)),
    absWorkingDir: ROOT,
    entryPoints: { [name]: entry },
    outdir,
    metafile: true,
  });
  return compositionOf(result.metafile);
}

/**
 * Builds the baselines (and, for the composition only, the handlers again with a metafile into
 * scratch space; dist/ is what is measured). Returns the pairs and what each build holds.
 */
export async function prepareBundles(): Promise<{
  pairs: BundlePair[];
  /** The baselines' SDK calls as one module, for the warm host. */
  baselineSdk: string;
  handlers: Map<string, Composition>;
  baselines: Map<string, Composition>;
}> {
  const out = join(SCRATCH, 'baseline');
  rmSync(out, { recursive: true, force: true });
  const handlers = new Map<string, Composition>();
  const baselines = new Map<string, Composition>();
  for (const name of HANDLER_NAMES) {
    baselines.set(name, await buildOne(name, `bench/baseline/${name}.ts`, out));
    handlers.set(
      name,
      await buildOne(name, `handlers/${name}.ts`, join(SCRATCH, 'handlers-metafile')),
    );
  }
  await buildOne('sdk', 'bench/baseline/sdk.ts', out);
  return {
    pairs: HANDLER_NAMES.map((name) => ({
      name,
      handler: join(ROOT, 'dist/handlers', `${name}.mjs`),
      baseline: join(out, `${name}.mjs`),
    })),
    baselineSdk: join(out, 'sdk.mjs'),
    handlers,
    baselines,
  };
}

/**
 * Bytes of a bundle as shipped: the entry and every chunk of its own beside it
 * (`<name>.chunk-*.mjs`, see scripts/build.mjs).
 */
export function shippedBytes(entry: string): number {
  const dir = dirname(entry);
  const name = basename(entry, '.mjs');
  return readdirSync(dir)
    .filter((f) => f === `${name}.mjs` || (f.startsWith(`${name}.chunk-`) && f.endsWith('.mjs')))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}
