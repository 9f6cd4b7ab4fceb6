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
 * The Map's `ItemReader` (`arn:aws:states:::s3:getObject`, `ReaderConfig.InputType` `JSON`) reads
 * the items from S3 — a real SDK client, pointed at the fake S3 — as its `Parameters` say, and its
 * `ResultWriter` (`arn:aws:states:::s3:putObject`) writes what the Developer Guide's "ResultWriter
 * (Map)" documents: under `<Prefix>/<map run id>/`, `SUCCEEDED_n.json` and `FAILED_n.json` (JSON
 * arrays of entries with `Transformation` `NONE`: `Input` and `Output` as JSON text, `Status`,
 * `Error`/`Cause` for a failed child) and `manifest.json` (`DestinationBucket`, `MapRunArn`,
 * `ResultFiles` by status, each `{ Key, Size }`); the state's output is then
 * `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`.
 *
 * Every state's input and output is measured: one over 256 KiB (262,144 bytes of UTF-8) fails the
 * run with `States.DataLimitExceeded`, as Step Functions does ("Step Functions service quotas").
 *
 * Not Step Functions: no JSONata, no intrinsic functions, no timeouts, no result-file size split
 * (the driver splits every `resultsPerFile` entries instead, to exercise several files).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

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
  ItemReader?: {
    Resource: string;
    ReaderConfig?: { InputType?: string };
    Parameters?: Record<string, unknown>;
  };
  ResultWriter?: { Resource: string; Parameters?: Record<string, unknown> };
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
  /** The largest state input or output seen, in bytes of JSON (UTF-8). */
  maxPayloadBytes: number;
}

/** Step Functions' payload limit: 256 KiB of UTF-8 per state input, output or result. */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** What the driver needs besides the functions. */
export interface DriverOptions {
  /** The S3 client of the ItemReader and the ResultWriter. */
  readonly s3?: S3Client;
  /** Entries per result file; default 1,000. */
  readonly resultsPerFile?: number;
}

/** A state's input or output exceeded the payload limit. */
class DataLimitExceededError extends Error {
  override readonly name = 'States.DataLimitExceeded';
}

/** Records a payload's size; throws past the limit. */
function measure(trace: DriverTrace, what: string, payload: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(payload ?? null), 'utf8');
  trace.maxPayloadBytes = Math.max(trace.maxPayloadBytes, bytes);
  if (bytes > STATE_PAYLOAD_LIMIT_BYTES) {
    throw new DataLimitExceededError(`${what}: ${bytes} bytes exceed ${STATE_PAYLOAD_LIMIT_BYTES}`);
  }
}

/** The Map run failed: more child executions failed than tolerated. */
class MapRunFailedError extends Error {
  override readonly name = 'States.ExceedToleratedFailureThreshold';
}

/** Reads a simple JSONPath (`$`, `$.a.b`) or the context's `$$.Execution.StartTime`. */
function read(path: string, input: unknown, context: Record<string, unknown>): unknown {
  if (path === '$$.Execution.StartTime') return context.startTime;
  if (path === '$$.Execution.Name') return context.executionName;
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
  options: DriverOptions = {},
): Promise<unknown> {
  const machine = definition as Machine;
  const context = { startTime, executionName: `exec-${startTime.replace(/[^0-9]/g, '')}` };
  let name: string | undefined = machine.StartAt;
  let data = input;
  while (name !== undefined) {
    const state: State | undefined = machine.States[name];
    if (!state) throw new Error(`driver: no state ${name}`);
    measure(trace, `${name} input`, data);
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
      data = write(
        state.ResultPath,
        data,
        await runMap(state, data, functions, trace, context, options),
      );
    }
    measure(trace, `${name} output`, data);
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
      measure(trace, `${resource} input`, input);
      const result = await run(input);
      measure(trace, `${resource} result`, result);
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

/** The Map's items: `ItemReader` (a JSON array object in S3) or `ItemsPath`. */
async function mapItems(
  state: State,
  data: unknown,
  context: Record<string, unknown>,
  options: DriverOptions,
): Promise<unknown[]> {
  const reader = state.ItemReader;
  if (!reader) return read(state.ItemsPath ?? '$', data, context) as unknown[];
  if (
    reader.Resource !== 'arn:aws:states:::s3:getObject' ||
    reader.ReaderConfig?.InputType !== 'JSON'
  ) {
    throw new Error(`driver: unsupported ItemReader ${JSON.stringify(reader)}`);
  }
  if (!options.s3) throw new Error('driver: an ItemReader needs options.s3');
  const { Bucket, Key } = parameters(reader.Parameters ?? {}, data, context) as {
    Bucket: string;
    Key: string;
  };
  const object = await options.s3.send(new GetObjectCommand({ Bucket, Key }));
  const items = JSON.parse((await object.Body?.transformToString()) ?? 'null') as unknown;
  if (!Array.isArray(items)) throw new Error('States.ItemReaderFailed: not a JSON array');
  return items;
}

/** One child execution, as a ResultWriter entry (Transformation NONE). */
interface ChildRecord {
  Name: string;
  Status: 'SUCCEEDED' | 'FAILED';
  Input: string;
  Output?: string;
  Error?: string;
  Cause?: string;
}

/** Writes the ResultWriter's files and manifest; returns the Map state's output. */
async function writeResults(
  state: State,
  data: unknown,
  context: Record<string, unknown>,
  options: DriverOptions,
  records: ChildRecord[],
): Promise<unknown> {
  const writer = state.ResultWriter as NonNullable<State['ResultWriter']>;
  if (writer.Resource !== 'arn:aws:states:::s3:putObject') {
    throw new Error(`driver: unsupported ResultWriter ${writer.Resource}`);
  }
  if (!options.s3) throw new Error('driver: a ResultWriter needs options.s3');
  const s3 = options.s3;
  const { Bucket, Prefix } = parameters(writer.Parameters ?? {}, data, context) as {
    Bucket: string;
    Prefix?: string;
  };
  const mapRunId = crypto.randomUUID();
  const mapRunArn = `arn:aws:states:us-east-1:123456789012:mapRun:org-scan/ScanItems:${mapRunId}`;
  const base = `${Prefix ? `${Prefix}/` : ''}${mapRunId}/`;
  const perFile = options.resultsPerFile ?? 1000;
  const files: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', { Key: string; Size: number }[]> = {
    FAILED: [],
    PENDING: [],
    SUCCEEDED: [],
  };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    const mine = records.filter((r) => r.Status === status);
    for (let i = 0; i * perFile < mine.length; i++) {
      const entries = mine.slice(i * perFile, (i + 1) * perFile).map((r) => ({
        ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:org-scan/ScanItems:${r.Name}`,
        InputDetails: { Included: true },
        ...(r.Output === undefined ? {} : { OutputDetails: { Included: true } }),
        RedriveCount: 0,
        RedriveStatus: status === 'FAILED' ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
        StartDate: context.startTime,
        StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:org-scan/ScanItems',
        StopDate: context.startTime,
        ...r,
      }));
      const body = JSON.stringify(entries);
      const Key = `${base}${status}_${i}.json`;
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: body }));
      files[status].push({ Key, Size: Buffer.byteLength(body, 'utf8') });
    }
  }
  const manifestKey = `${base}manifest.json`;
  const manifest = { DestinationBucket: Bucket, MapRunArn: mapRunArn, ResultFiles: files };
  await s3.send(new PutObjectCommand({ Bucket, Key: manifestKey, Body: JSON.stringify(manifest) }));
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket, Key: manifestKey } };
}

/** The Map: each item a child execution of the ItemProcessor, at most MaxConcurrency at once. */
async function runMap(
  state: State,
  data: unknown,
  functions: Readonly<Record<string, (input: unknown) => Promise<unknown>>>,
  trace: DriverTrace,
  context: Record<string, unknown>,
  options: DriverOptions,
): Promise<unknown> {
  const items = await mapItems(state, data, context, options);
  const limit = state.MaxConcurrencyPath
    ? (read(state.MaxConcurrencyPath, data, context) as number)
    : state.MaxConcurrency || items.length;
  const processor = state.ItemProcessor as Machine;
  const records: ChildRecord[] = new Array(items.length);
  let failures = 0;
  let next = 0;
  let inFlight = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      inFlight++;
      trace.maxInFlight = Math.max(trace.maxInFlight, inFlight);
      const Name = `child-${index}`;
      const Input = JSON.stringify(items[index]);
      try {
        const output = await runMachine(
          processor,
          items[index],
          functions,
          trace,
          context.startTime as string,
          options,
        );
        records[index] = { Name, Status: 'SUCCEEDED', Input, Output: JSON.stringify(output) };
      } catch (error) {
        failures++;
        records[index] = {
          Name,
          Status: 'FAILED',
          Input,
          Error: errorName(error),
          Cause: (error as Error)?.message ?? '',
        };
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
  if (state.ResultWriter) return writeResults(state, data, context, options, records);
  return records.map((r) =>
    r.Status === 'SUCCEEDED' ? JSON.parse(r.Output as string) : { Error: r.Error },
  );
}

/** An empty trace. */
export function newTrace(): DriverTrace {
  return { invocations: [], retries: [], maxInFlight: 0, childFailures: 0, maxPayloadBytes: 0 };
}
