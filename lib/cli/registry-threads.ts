/**
 * The scan threads of `scan --accounts | --organization`: member registries opened and read on
 * worker threads (lib/aws/registry-thread.ts), used here as if they were local, so that the
 * engine, the ledger and the findings stay on this thread while reading ECR — most of a scan's
 * CPU — takes every core (docs/cli.md#scanning-several-accounts). A registry stays on the thread
 * that opened it; a new one goes to the thread with the fewest open. A thread that dies fails the
 * calls it had and takes no more: its account-regions are reported not scanned, the others go on.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MemberRegistry } from '../aws/member-registry.ts';
import type { RegistryAnswer, RegistryRequest } from '../aws/registry-calls.ts';
import type { WorkItem } from '../core/org/plan.ts';
import type { RegistryTemplatePage } from '../core/scan/registry.ts';

/** The thread's script: beside this module, or beside the CLI bundle (scripts/build.mjs). */
declare const __SCAN_THREAD__: string | undefined;
const SCRIPT = new URL(
  typeof __SCAN_THREAD__ === 'string' ? __SCAN_THREAD__ : '../aws/registry-thread.ts',
  import.meta.url,
);

/** The most threads `--threads` takes. */
export const MAX_SCAN_THREADS = 64;

/**
 * The threads `scan` starts unless told: one per CPU the process may use, no more than the
 * account-regions scanned at once (nor {@link MAX_SCAN_THREADS}).
 *
 * @example
 * ```ts
 * defaultScanThreads(20); // 8 on an 8-core machine
 * defaultScanThreads(4, 8); // 4
 * ```
 */
export function defaultScanThreads(concurrency: number, cpus = availableParallelism()): number {
  return Math.max(1, Math.min(cpus, concurrency, MAX_SCAN_THREADS));
}

/** Member registries on scan threads. */
export interface RegistryThreads {
  /** Opens the registry of an account-region (the role assumed there) on the least busy thread. */
  open(item: WorkItem, roleName: string): Promise<MemberRegistry>;
  /** Ends every thread; calls still waiting fail. */
  close(): Promise<void>;
}

/** Options of {@link startRegistryThreads}. */
export interface RegistryThreadsOptions {
  /** How many threads, 1 to {@link MAX_SCAN_THREADS}. */
  readonly threads: number;
  /** The thread's script; default lib/aws/registry-thread.ts, or dist/scan-thread.mjs bundled. */
  readonly script?: URL;
}

/** One thread, the calls it owes and the registries it holds. */
interface ScanThread {
  readonly worker: Worker;
  readonly waiting: Map<number, { resolve(answer: RegistryAnswer): void; reject(e: Error): void }>;
  nextId: number;
  open: number;
  failure?: Error;
}

/**
 * Starts `threads` scan threads. Their environment is this process's at the call (the AWS
 * credential chain and endpoints read there).
 *
 * @example
 * ```ts
 * const threads = startRegistryThreads({ threads: 4 });
 * try {
 *   await scanAccountRegions({ ...options, open: threads.open });
 * } finally {
 *   await threads.close();
 * }
 * ```
 */
export function startRegistryThreads(options: RegistryThreadsOptions): RegistryThreads {
  if (
    !Number.isInteger(options.threads) ||
    options.threads < 1 ||
    options.threads > MAX_SCAN_THREADS
  ) {
    throw new RangeError(
      `threads must be a whole number from 1 to ${MAX_SCAN_THREADS} (got ${options.threads})`,
    );
  }
  const threads = Array.from({ length: options.threads }, () =>
    startThread(options.script ?? SCRIPT),
  );
  let closing = false;
  let nextHandle = 1;
  return {
    async open(item, roleName) {
      const thread = leastBusy(threads);
      if (!thread) {
        throw new Error(`no scan thread left: ${threads[0]?.failure?.message ?? 'closed'}`);
      }
      const handle = nextHandle++;
      thread.open++;
      let roleArn: string;
      try {
        roleArn = (await answerValue(
          call(thread, { op: 'open', handle, ...item, roleName }),
        )) as string;
      } catch (error) {
        thread.open--;
        throw error;
      }
      return remoteRegistry(thread, handle, roleArn);
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const thread of threads) thread.failure ??= new Error('the scan threads were closed');
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}

function startThread(script: URL): ScanThread {
  const thread: ScanThread = { worker: new Worker(script), waiting: new Map(), nextId: 1, open: 0 };
  // The first failure is the one every call is told (a thread closed, then exiting, was closed).
  const fail = (failure: Error) => {
    thread.failure ??= failure;
    for (const { reject } of thread.waiting.values()) reject(thread.failure);
    thread.waiting.clear();
  };
  thread.worker.on('message', (answer: RegistryAnswer) => {
    const waiting = thread.waiting.get(answer.id);
    thread.waiting.delete(answer.id);
    waiting?.resolve(answer);
  });
  thread.worker.on('error', (error) => fail(new Error(`scan thread failed: ${error.message}`)));
  thread.worker.on('exit', (code) => fail(new Error(`scan thread exited with code ${code}`)));
  return thread;
}

/** The live thread with the fewest open registries (the first of those). */
function leastBusy(threads: readonly ScanThread[]): ScanThread | undefined {
  let best: ScanThread | undefined;
  for (const thread of threads) {
    if (thread.failure) continue;
    if (!best || thread.open < best.open) best = thread;
  }
  return best;
}

function call(thread: ScanThread, message: RegistryRequest): Promise<RegistryAnswer> {
  if (thread.failure) return Promise.reject(thread.failure);
  const id = thread.nextId++;
  return new Promise((resolve, reject) => {
    thread.waiting.set(id, { resolve, reject });
    thread.worker.postMessage({ ...message, id });
  });
}

/** The value of an answer, or its error thrown. */
async function answerValue(answer: Promise<RegistryAnswer>): Promise<unknown> {
  const { value, error } = await answer;
  if (error !== undefined) throw new Error(error);
  return value;
}

/** A registry open on `thread` as `handle`. */
function remoteRegistry(thread: ScanThread, handle: number, roleArn: string): MemberRegistry {
  let destroyed = false;
  return {
    roleArn,
    async *templatePages() {
      const { value, error } = await call(thread, { op: 'templatePages', handle });
      yield* (value ?? []) as RegistryTemplatePage[];
      if (error !== undefined) throw new Error(error);
    },
    listRepositories: async () =>
      (await answerValue(call(thread, { op: 'listRepositories', handle }))) as never,
    listTags: async (repositoryName) =>
      (await answerValue(call(thread, { op: 'listTags', handle, repositoryName }))) as Map<
        string,
        string
      >,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      thread.open--;
      // Nothing waits for it: a thread that died has released everything anyway.
      call(thread, { op: 'destroy', handle }).catch(() => {});
    },
  };
}
