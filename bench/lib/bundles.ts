/**
 * The bundles compared in rows 2 and 3: the handlers as `npm run build` makes them
 * (dist/handlers/), and the baselines (bench/baseline/) built with the very same esbuild options
 * (imported from scripts/build.mjs), into .bench-tmp/baseline/.
 *
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';

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

/** What the bundles are made of, by package (bytes in the minified output). */
export interface Composition {
  readonly bytes: number;
  readonly byPackage: ReadonlyMap<string, number>;
}

interface BuildScript {
  handlerBuildOptions(policy: { file: string; text: string }): Record<string, unknown>;
}

async function handlerOptions(): Promise<Record<string, unknown>> {
  const script = (await import(pathToFileURL(join(ROOT, 'scripts/build.mjs')).href)) as BuildScript;
  const policyFile = 'policy.yml';
  return script.handlerBuildOptions({
    file: policyFile,
    text: readFileSync(join(ROOT, policyFile), 'utf8'),
  });
}

function compositionOf(metafile: Metafile): Map<string, Composition> {
  const result = new Map<string, Composition>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const name =
      file
        .split('/')
        .pop()
        ?.replace(/\.mjs$/, '') ?? file;
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ?? input.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
    result.set(name, { bytes: output.bytes, byPackage });
  }
  return result;
}

/**
 * Builds the baselines (and, for the composition only, the handlers again with a metafile into
 * scratch space; dist/ is what is measured). Returns the pairs and what each bundle holds.
 */
export async function prepareBundles(): Promise<{
  pairs: BundlePair[];
  /** The baselines' SDK calls as one module, for the warm host. */
  baselineSdk: string;
  handlers: Map<string, Composition>;
  baselines: Map<string, Composition>;
}> {
  const options = await handlerOptions();
  const out = join(SCRATCH, 'baseline');
  const baseline = await build({
    ...options,
    absWorkingDir: ROOT,
    entryPoints: {
      ...Object.fromEntries(HANDLER_NAMES.map((n) => [n, `bench/baseline/${n}.ts`])),
      sdk: 'bench/baseline/sdk.ts',
    },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    metafile: true,
  });
  const handlers = await build({
    ...options,
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(HANDLER_NAMES.map((n) => [n, `handlers/${n}.ts`])),
    outdir: join(SCRATCH, 'handlers-metafile'),
    outExtension: { '.js': '.mjs' },
    metafile: true,
  });
  return {
    pairs: HANDLER_NAMES.map((name) => ({
      name,
      handler: join(ROOT, 'dist/handlers', `${name}.mjs`),
      baseline: join(out, `${name}.mjs`),
    })),
    baselineSdk: join(out, 'sdk.mjs'),
    handlers: compositionOf(handlers.metafile),
    baselines: compositionOf(baseline.metafile),
  };
}

/** Size of a file in bytes. */
export function bytesOf(path: string): number {
  return statSync(path).size;
}
