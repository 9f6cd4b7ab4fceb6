/**
 * Rows 1 and 3: a Lambda container that stays warm. It imports a built handler bundle and the
 * baseline's SDK calls (bundled the same way), and answers the benchmark's messages:
 *
 * - `invoke`: one event through the handler (the benchmark counts the calls at the fakes);
 * - `warm`: n pushes through the handler and n through the baseline, interleaved, each timed.
 *
 * @module
 */

interface BaselineSdk {
  recordPush(
    pk: string,
    tag: string,
    digest: string,
    time: string,
    eventId: string | null,
  ): Promise<unknown>;
  publishAndLog(
    id: string,
    alert: {
      subject: string;
      message: string;
      attributes: Record<string, unknown>;
      detail?: string;
    },
  ): Promise<void>;
  partition(account: string, region: string, repository: string): string;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const { handler } = (await import(process.env.BENCH_BUNDLE_URL as string)) as {
  handler: Handler;
};
const sdk = (await import(process.env.BENCH_BASELINE_URL as string)) as BaselineSdk;
const context = {
  ...JSON.parse(process.env.BENCH_CONTEXT as string),
  getRemainingTimeInMillis: () => 30_000,
};

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

function push(id: string, repository: string, tag: string, digest: string, time: string) {
  return {
    version: '0',
    id,
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [],
    detail: {
      result: 'SUCCESS',
      'repository-name': repository,
      'image-digest': digest,
      'action-type': 'PUSH',
      'image-tag': tag,
    },
  };
}

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
/** Whole seconds, as EventBridge writes them; later pushes get later times. */
let clock = Date.UTC(2025, 6, 24);
const nextTime = () => {
  clock += 1000;
  return new Date(clock).toISOString().replace('.000Z', 'Z');
};
const canonical = (aws: string) => aws.replace('Z', '.000Z');

interface WarmRequest {
  cmd: 'warm';
  n: number;
  offset: number;
  overwrite: boolean;
  alert?: {
    subject: string;
    message: string;
    attributes: Record<string, unknown>;
    detail?: string;
  };
}

async function warm(request: WarmRequest) {
  const real: number[] = [];
  const base: number[] = [];
  const basePk = sdk.partition(ACCOUNT, REGION, 'warm-baseline');
  const alert = request.alert ?? { subject: 'x', message: '{"default":"x"}', attributes: {} };
  for (let j = 0; j < request.n; j++) {
    const k = request.offset + j;
    const tag = `w-${k}`;
    const first = nextTime();
    const second = nextTime();
    if (request.overwrite) {
      // Untimed: the tag exists with other content, for both.
      await handler(push(`seed-${k}`, 'warm-real', tag, digest(1), first), context);
      await sdk.recordPush(basePk, tag, digest(1), canonical(first), `seed-${k}`);
    }
    const runReal = async () => {
      const t = performance.now();
      await handler(push(`push-${k}`, 'warm-real', tag, digest(2), second), context);
      real.push(performance.now() - t);
    };
    const runBase = async () => {
      const t = performance.now();
      const old = (await sdk.recordPush(basePk, tag, digest(2), canonical(second), `push-${k}`)) as
        | { digest?: { S?: string } }
        | undefined;
      if (old?.digest?.S !== undefined && old.digest.S !== digest(2)) {
        await sdk.publishAndLog(`alert-${k}`, alert);
      }
      base.push(performance.now() - t);
    };
    // Alternate which goes first, so that neither always meets a just-warmed connection.
    if (j % 2 === 0) {
      await runReal();
      await runBase();
    } else {
      await runBase();
      await runReal();
    }
  }
  return { real, base };
}

process.on('message', (message: { cmd: string; event?: unknown }) => {
  const answer = async () => {
    if (message.cmd === 'invoke') {
      const t = performance.now();
      const result = await handler(message.event, context);
      return { ms: performance.now() - t, result: result ?? null };
    }
    if (message.cmd === 'warm') return warm(message as unknown as WarmRequest);
    throw new Error(`unknown command ${message.cmd}`);
  };
  answer().then(
    (value) => process.send?.(value),
    (error: unknown) =>
      process.send?.({
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
  );
});
process.on('disconnect', () => process.exit(0));
