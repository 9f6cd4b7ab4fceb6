/**
 * A fake AWS Security Hub speaking the wire protocol of `@aws-sdk/client-securityhub` (REST-JSON:
 * `POST /findings/import` with a JSON body; errors with the `x-amzn-errortype` header and
 * `{"Code", "Message"}`). One server stands for every region; the region and the caller are read
 * from the request's SigV4 credential scope.
 *
 * Operation: BatchImportFindings, with what AWS documents (API reference, `BatchImportFindings`;
 * user guide, "BatchImportFindings for finding providers"):
 * - 1 to 100 findings a request, at most 6 MB (counted as 6,000,000 bytes) — else the whole
 *   request fails (`InvalidInputException`, 400);
 * - per finding, the rules of the tests' ASFF checker (test/support/asff.ts: the required
 *   fields, their forms and lengths, 240 KB a finding, the default product ARN of the finding's
 *   own account) — a finding breaking one fails alone, in `FailedFindings` with `ErrorCode` and
 *   `ErrorMessage`, counted in `FailedCount`; the others are imported (`SuccessCount`);
 * - with the default product ARN (`arn:…:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`)
 *   the calling account must be the finding's `AwsAccountId` and `ACCOUNT`, and `REGION` the
 *   region called — else the finding fails (`AccessDeniedException`).
 *
 * The caller is the account of the request's access key: a key the fake STS issued names its
 * account (test/fakes/sts.ts, {@link accountOfAccessKey}); any other key is the fake's
 * `account` (the function's own credentials). Throttling: `rateLimit` (AWS: 10 requests a second,
 * burst 30) or `inject(…, fault.throttle())` answer `TooManyRequestsException` (429).
 *
 * Imported findings are kept by region, product ARN and `Id` ({@link FakeSecurityHub.finding}):
 * a finding with a later `UpdatedAt` replaces the stored one, an older one is ignored (and still
 * counted a success, as an import that changes nothing), so tests assert on the final state.
 */
import type { IncomingMessage } from 'node:http';
import { asffProblems } from '../support/asff.ts';
import {
  AwsError,
  FakeHttpServer,
  type FakeServerOptions,
  type ParsedRequest,
  type Reply,
} from './http.ts';
import { accountOfAccessKey, signatureScope } from './sts.ts';

/** Findings a request may carry. */
const MAX_FINDINGS = 100;
/** "6 MB" a request, counted as the smaller reading. */
const MAX_REQUEST_BYTES = 6_000_000;

/** AWS's documented rate for BatchImportFindings: 10 requests a second, bursts of 30. */
export const SECURITY_HUB_IMPORT_RATE = { perSecond: 10, burst: 30 } as const;

const DEFAULT_PRODUCT =
  /^arn:aws[a-z-]*:securityhub:([a-z0-9-]+):(\d{12}):product\/(\d{12})\/default$/;

/** A finding as stored: the ASFF JSON as imported. */
export type StoredFinding = Record<string, unknown> & {
  readonly Id: string;
  readonly UpdatedAt: string;
};

/** One per-finding failure, as the API answers it. */
export interface FailedFinding {
  readonly Id: string;
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

/** Options of {@link FakeSecurityHub}. */
export interface FakeSecurityHubOptions extends FakeServerOptions {
  /** The account of callers whose access key the fake STS did not issue; default `123456789012`. */
  account?: string;
}

/** A fake Security Hub (every region, every account). */
export class FakeSecurityHub extends FakeHttpServer {
  readonly account: string;
  /** Every finding imported, by `region`, product ARN and `Id`. */
  private readonly store = new Map<string, StoredFinding>();

  constructor(options: FakeSecurityHubOptions = {}) {
    super(options);
    this.account = options.account ?? '123456789012';
  }

  /** The stored finding `id` of the default product of `account` in `region`, if any. */
  finding(id: string, account: string, region: string): StoredFinding | undefined {
    return this.store.get(key(region, defaultProduct(account, region), id));
  }

  /** Every stored finding, in the order of first import. */
  findings(): StoredFinding[] {
    return [...this.store.values()];
  }

  /** Forgets recorded requests, faults and stored findings. */
  override reset(): void {
    super.reset();
    this.store.clear();
  }

  protected override parse(request: IncomingMessage, raw: Buffer) {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'POST' || path !== '/findings/import') {
      throw new AwsError(
        'UnknownOperationException',
        `${request.method} ${path} is not supported by the fake Security Hub`,
        404,
      );
    }
    try {
      return { operation: 'BatchImportFindings', body: JSON.parse(raw.toString('utf8') || '{}') };
    } catch {
      throw new AwsError('InvalidInputException', 'request body is not JSON');
    }
  }

  protected override handle(request: ParsedRequest): Reply {
    if (request.raw.length > MAX_REQUEST_BYTES) {
      throw new AwsError('InvalidInputException', 'Request size exceeds the 6 MB limit.');
    }
    const findings = (request.body as { Findings?: unknown }).Findings;
    if (!Array.isArray(findings) || findings.length < 1 || findings.length > MAX_FINDINGS) {
      throw new AwsError(
        'InvalidInputException',
        `Findings must be an array of 1 to ${MAX_FINDINGS} findings.`,
      );
    }
    const scope = signatureScope(request.headers.authorization as string | undefined);
    if (!scope) throw new AwsError('InvalidSignatureException', 'no SigV4 signature', 403);
    const caller = accountOfAccessKey(scope.accessKeyId) ?? this.account;
    const failed: FailedFinding[] = [];
    for (const finding of findings as unknown[]) {
      const failure = this.importOne(finding, caller, scope.region);
      if (failure) failed.push(failure);
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        FailedCount: failed.length,
        SuccessCount: findings.length - failed.length,
        FailedFindings: failed,
      }),
    };
  }

  protected override errorReply(error: AwsError): Reply {
    return {
      status: error.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
      body: JSON.stringify({ Code: error.code, Message: error.message }),
    };
  }

  protected override throttleError(): AwsError {
    return new AwsError('TooManyRequestsException', 'Rate exceeded', 429);
  }

  /** Imports one finding; its failure, or undefined when imported. */
  private importOne(finding: unknown, caller: string, region: string): FailedFinding | undefined {
    const record = (typeof finding === 'object' && finding !== null ? finding : {}) as Record<
      string,
      unknown
    >;
    const id = typeof record.Id === 'string' ? record.Id : '';
    const problems = asffProblems(finding);
    if (problems.length > 0) {
      return { Id: id, ErrorCode: 'InvalidInput', ErrorMessage: problems.join('; ') };
    }
    const product = DEFAULT_PRODUCT.exec(String(record.ProductArn));
    if (!product || product[1] !== region || product[2] !== caller || product[3] !== caller) {
      return {
        Id: id,
        ErrorCode: 'AccessDeniedException',
        ErrorMessage: `account ${caller} in ${region} cannot import findings of product ${String(record.ProductArn)}`,
      };
    }
    const stored = record as StoredFinding;
    const at = key(region, String(record.ProductArn), id);
    const previous = this.store.get(at);
    if (previous === undefined || Date.parse(stored.UpdatedAt) >= Date.parse(previous.UpdatedAt)) {
      this.store.set(at, structuredClone(stored));
    }
    return undefined;
  }
}

function key(region: string, productArn: string, id: string): string {
  return `${region}\u0000${productArn}\u0000${id}`;
}

function defaultProduct(account: string, region: string): string {
  return `arn:aws:securityhub:${region}:${account}:product/${account}/default`;
}
