/**
 * Runs a built handler bundle (dist/handlers/<name>.mjs) once in a child Node process, as Lambda
 * would — `handler(event, context)` with only the environment the function gets — and reports
 * what it returned or threw, and what it logged. Shared by the tests of the built bundles.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { SAMPLE } from './support.ts';

const execFileAsync = promisify(execFile);

/** What a handler invocation in a child process gave. */
export interface Invocation {
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string };
  /** Every line the process wrote to stdout (Powertools' JSON logs and EMF metrics). */
  stdout: string[];
  /** Every line the process wrote to stderr (Powertools writes errors there). */
  stderr: string[];
}

/** The script of the child: imports the bundle, calls the handler once, reports as JSON. */
const RUNNER = `
const { handler } = await import(process.env.TEST_BUNDLE_URL);
const event = JSON.parse(process.env.TEST_EVENT);
const context = {
  functionName: process.env.TEST_FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:${SAMPLE.region}:${SAMPLE.account}:function:' + process.env.TEST_FUNCTION_NAME,
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/' + process.env.TEST_FUNCTION_NAME,
  logStreamName: '2025/07/24/[$LATEST]abcdef',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30000,
  done() {}, fail() {}, succeed() {},
};
let report;
try {
  report = { ok: true, result: (await handler(event, context)) ?? null };
} catch (error) {
  report = { ok: false, error: { name: error.name, message: error.message } };
}
process.stdout.write('\\n@@RESULT ' + JSON.stringify(report) + '\\n');
`;

/**
 * Invokes `dist/handlers/<name>.mjs` of `mirror` with `event` in the environment `baseEnv` (see
 * bundleEnv, support.ts), from the directory `work`.
 *
 * @example
 * ```ts
 * const run = await invokeBundle({ mirror, work, baseEnv }, 'api-call', event);
 * ```
 */
export async function invokeBundle(
  where: {
    readonly mirror: string;
    readonly work: string;
    readonly baseEnv: Record<string, string>;
  },
  name: 'image-action' | 'api-call' | 'scheduled-scan',
  event: unknown,
  extraEnv: Record<string, string> = {},
): Promise<Invocation> {
  const { mirror, work } = where;
  const env: Record<string, string> = {
    ...where.baseEnv,
    TEST_BUNDLE_URL: pathToFileURL(join(mirror, 'dist/handlers', `${name}.mjs`)).href,
    TEST_EVENT: JSON.stringify(event),
    TEST_FUNCTION_NAME: name,
    ...extraEnv,
  };
  const { stdout, stderr } = await execFileAsync(
    process.execPath,
    ['--input-type=module', '-e', RUNNER],
    {
      cwd: work,
      env,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const lines = stdout.split('\n');
  const marker = lines.find((line) => line.startsWith('@@RESULT '));
  if (!marker) throw new Error(`no result from the handler; stdout:\n${stdout}`);
  return {
    ...(JSON.parse(marker.slice('@@RESULT '.length)) as Omit<Invocation, 'stdout' | 'stderr'>),
    stdout: lines.filter((line) => line !== '' && line !== marker),
    stderr: stderr.split('\n').filter((line) => line !== ''),
  };
}
