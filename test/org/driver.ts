/**
 * A small interpreter of the organization scan's state machine, for tests: it runs the definition
 * object (infra/org-scan-state-machine.ts) over Task states (a function per `Resource`), Pass
 * states (`Parameters`) and one Distributed Map, honouring what the definition declares —
 * `ResultPath`, `OutputPath`, `Parameters` with `.$` paths (and `$$.Execution.StartTime`),
 * `Retry` (ErrorEquals, MaxAttempts, IntervalSeconds, BackoffRate, MaxDelaySeconds: the delays
 * are recorded, not slept), `Catch`, the Map's `ItemsPath`, `MaxConcurrencyPath` or
 * `MaxConcurrency`, and `ToleratedFailurePercentage`. Errors carry their `name` as Step
 * Functions' `Error`, as Lambda reports a thrown error's type.
 *
 * Not Step Functions: no payload limits, no JSONata, no intrinsic functions, no timeouts.
 */

/** A state as the driver reads it. */
interface State {
  Type: 'Task' | 'Pass' | 'Map';
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string;
  OutputPath?: string;
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  Next?: string;
  End?: boolean;
  ItemsPath?: string;
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
  ToleratedFailurePercentage?: number;
  ItemProcessor?: Machine;
}
interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
}
interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

/** What a run recorded. */
export interface DriverTrace {
  /** Every invocation of a Task: its resource, input and outcome. */
  readonly invocations: { resource: string; input: unknown; error?: string }[];
  /** Every retry: the resource, the error, and the delay (s, before jitter) the Retry declares. */
  readonly retries: { resource: string; error: string; delaySeconds: number }[];
  /** The most child executions that ran at once. */
  maxInFlight: number;
  /** Child executions that failed (not caught). */
  childFailures: number;
}

/** The Map run failed: more child executions failed than tolerated. */
class MapRunFailedError extends Error {
  override readonly name = 'States.ExceedToleratedFailureThreshold';
}

/** Reads a simple JSONPath (`$`, `$.a.b`) or the context's `$$.Execution.StartTime`. */
function read(path: string, input: unknown, context: Record<string, unknown>): unknown {
  if (path === '$$.Execution.StartTime') return context.startTime;
  if (path === '$') return input;
  if (!path.startsWith('$.')) throw new Error(`driver: unsupported path ${path}`);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], input);
}

/** Writes `result` at `path` of a copy of `input` (`$`: replaces it). */
function write(path: string | undefined, input: unknown, result: unknown): unknown {
  if (path === undefined || path === '$') return result;
  const keys = path.slice(2).split('.');
  const copy = structuredClone(input) as Record<string, unknown>;
  let at = copy;
  for (const key of keys.slice(0, -1)) {
    at[key] = { ...((at[key] as Record<string, unknown>) ?? {}) };
    at = at[key] as Record<string, unknown>;
  }
  at[keys.at(-1) as string] = result;
  return copy;
}

/** Applies `Parameters`: `key.$` reads a path, other keys are literals. */
function parameters(
  template: Record<string, unknown>,
  input: unknown,
  context: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) =>
      key.endsWith('.$') ? [key.slice(0, -2), read(value as string, input, context)] : [key, value],
    ),
  );
}

const matches = (names: readonly string[], error: string) =>
  names.includes(error) || names.includes('States.ALL');

/** The Step Functions error name of a thrown value. */
const errorName = (error: unknown) => (error as Error)?.name ?? 'Error';

/**
 * Runs `definition` on `input` with the given functions (by `Resource`) and a start time.
 *
 * @example
 * ```ts
 * const trace = newTrace();
 * const output = await runMachine(definition, {}, { [PLAN]: plan, … }, trace, '2025-07-24T06:00:00Z');
 * ```
 */
export async function runMachine(
  definition: unknown,
  input: unknown,
  functions: Readonly<Record<string, (input: unknown) => Promise<unknown>>>,
  trace: DriverTrace,
  startTime: string,
): Promise<unknown> {
  const machine = definition as Machine;
  const context = { startTime };
  let name: string | undefined = machine.StartAt;
  let data = input;
  while (name !== undefined) {
    const state: State | undefined = machine.States[name];
    if (!state) throw new Error(`driver: no state ${name}`);
    let next: string | undefined = state.End ? undefined : state.Next;
    if (state.Type === 'Pass') {
      const result = state.Parameters ? parameters(state.Parameters, data, context) : data;
      data = write(state.ResultPath, data, result);
    } else if (state.Type === 'Task') {
      const outcome = await runTask(state, data, functions, trace, context);
      if ('caught' in outcome) {
        data = outcome.data;
        next = outcome.caught;
      } else {
        const output = write(state.ResultPath, data, outcome.result);
        data = state.OutputPath ? read(state.OutputPath, output, context) : output;
      }
    } else {
      data = write(state.ResultPath, data, await runMap(state, data, functions, trace, context));
    }
    name = next;
  }
  return data;
}

/** A Task with its Retry and Catch: its result, or the state to go to with the error caught. */
async function runTask(
  state: State,
  data: unknown,
  functions: Readonly<Record<string, (input: unknown) => Promise<unknown>>>,
  trace: DriverTrace,
  context: Record<string, unknown>,
): Promise<{ result: unknown } | { caught: string; data: unknown }> {
  const resource = state.Resource ?? '';
  const run = functions[resource];
  if (!run) throw new Error(`driver: no function for ${resource}`);
  const input = state.Parameters ? parameters(state.Parameters, data, context) : data;
  const attempts = new Map<Retrier, number>();
  for (;;) {
    try {
      const result = await run(input);
      trace.invocations.push({ resource, input });
      return { result };
    } catch (error) {
      const name = errorName(error);
      trace.invocations.push({ resource, input, error: name });
      const retrier = state.Retry?.find((r) => matches(r.ErrorEquals, name));
      const used = retrier ? (attempts.get(retrier) ?? 0) : 0;
      if (retrier && used < (retrier.MaxAttempts ?? 3)) {
        attempts.set(retrier, used + 1);
        const delay = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** used;
        trace.retries.push({
          resource,
          error: name,
          delaySeconds: Math.min(delay, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY),
        });
        continue;
      }
      const catcher = state.Catch?.find((c) => matches(c.ErrorEquals, name));
      if (!catcher) throw error;
      const caught = { Error: name, Cause: (error as Error).message };
      return { caught: catcher.Next, data: write(catcher.ResultPath, data, caught) };
    }
  }
}

/** The Map: each item a child execution of the ItemProcessor, at most MaxConcurrency at once. */
async function runMap(
  state: State,
  data: unknown,
  functions: Readonly<Record<string, (input: unknown) => Promise<unknown>>>,
  trace: DriverTrace,
  context: Record<string, unknown>,
): Promise<unknown[]> {
  const items = read(state.ItemsPath ?? '$', data, context) as unknown[];
  const limit = state.MaxConcurrencyPath
    ? (read(state.MaxConcurrencyPath, data, context) as number)
    : state.MaxConcurrency || items.length;
  const processor = state.ItemProcessor as Machine;
  const results: unknown[] = new Array(items.length);
  let failures = 0;
  let next = 0;
  let inFlight = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      inFlight++;
      trace.maxInFlight = Math.max(trace.maxInFlight, inFlight);
      try {
        results[index] = await runMachine(
          processor,
          items[index],
          functions,
          trace,
          context.startTime as string,
        );
      } catch (error) {
        failures++;
        results[index] = { Error: errorName(error) };
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  trace.childFailures += failures;
  const tolerated = state.ToleratedFailurePercentage ?? 0;
  if (items.length > 0 && (failures / items.length) * 100 > tolerated) {
    throw new MapRunFailedError(`${failures} of ${items.length} child executions failed`);
  }
  return results;
}

/** An empty trace. */
export function newTrace(): DriverTrace {
  return { invocations: [], retries: [], maxInFlight: 0, childFailures: 0 };
}
