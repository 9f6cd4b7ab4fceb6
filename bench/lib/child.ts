/**
 * Child processes of the benchmark: every measurement runs in a fresh Node process, so that the
 * fakes (which live in the parent) never share an event loop or a heap with what is measured.
 *
 * A child reports one JSON line on file descriptor 3 (see `report.mjs`); its stdout is discarded
 * unless asked for (the handlers log there, as Lambda wants).
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Where the children's scripts are. */
export const CHILDREN = fileURLToPath(new URL('../children/', import.meta.url));

/** What a child gave. */
export interface ChildOutcome<T> {
  /** The JSON the child wrote on fd 3 (the last line, when several). */
  readonly report: T;
  /** Wall time from spawn to exit, measured by the parent. */
  readonly wallMs: number;
  readonly stderr: string;
}

/** Options of {@link runChild}. */
export interface ChildOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Kills the child after this long; default 10 minutes. */
  readonly timeoutMs?: number;
}

/**
 * Runs `node ...args` and resolves with what it reported on fd 3. Rejects when it exits with a
 * non-zero code (unless `allowExitCodes` lists it), is killed, or reports nothing.
 */
export function runChild<T>(
  args: readonly string[],
  options: ChildOptions & { allowExitCodes?: readonly number[] } = {},
): Promise<ChildOutcome<T>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    let stderr = '';
    let reported = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < 1_000_000) stderr += text;
    });
    const fd3 = child.stdio[3] as NodeJS.ReadableStream | null;
    fd3?.setEncoding('utf8');
    fd3?.on('data', (text: string) => {
      reported += text;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const ok = code === 0 || (code !== null && (options.allowExitCodes ?? []).includes(code));
      const line = reported.trim().split('\n').at(-1);
      if (!ok || !line) {
        reject(
          new Error(
            `child ${args.join(' ')} exited with ${signal ?? code}${line ? '' : ', no report'}:\n${stderr.slice(-4000)}`,
          ),
        );
        return;
      }
      resolve({ report: JSON.parse(line) as T, wallMs, stderr });
    });
  });
}

/** A child kept running and driven by messages (Node IPC), for many measurements in one process. */
export interface HostChild {
  /** Sends a request and waits for the child's answer to it. */
  request<T>(message: Record<string, unknown>): Promise<T>;
  /** Ends the child and waits for its exit. */
  close(): Promise<void>;
}

/** Starts `node script` with an IPC channel; the child answers each message with one message. */
export function startHost(
  script: string,
  options: { env?: Readonly<Record<string, string>> } = {},
): HostChild {
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < 1_000_000) stderr += text;
  });
  let pending: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      pending?.reject(new Error(`host ${script} exited with ${signal ?? code}:\n${stderr}`));
      pending = undefined;
      resolve();
    });
  });
  child.on('message', (message: unknown) => {
    const waiting = pending;
    pending = undefined;
    const answer = message as { error?: string };
    if (answer.error !== undefined) waiting?.reject(new Error(`host ${script}: ${answer.error}`));
    else waiting?.resolve(message);
  });
  return {
    request<T>(message: Record<string, unknown>): Promise<T> {
      if (pending) throw new Error('one request at a time');
      return new Promise<T>((resolve, reject) => {
        pending = { resolve: resolve as (value: unknown) => void, reject };
        child.send(message);
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.disconnect?.();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
