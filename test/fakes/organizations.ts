/**
 * A fake AWS Organizations speaking the wire protocol of `@aws-sdk/client-organizations` (AWS
 * JSON 1.1: `X-Amz-Target: AWSOrganizationsV20161128.<Operation>`; errors
 * `{"__type": code, "Message": ...}`).
 *
 * Operation: ListAccounts, as the API reference documents it — `MaxResults` 1–20 (default 20
 * here), an opaque `NextToken`; each account with its `State` (`ACTIVE`, `SUSPENDED`,
 * `PENDING_CLOSURE`, …). `Status`, which AWS retired on 9 September 2026, is sent too only with
 * {@link FakeOrganizationsOptions.legacyStatus}. Only the management account (or a delegated
 * administrator) may list: {@link FakeOrganizations.callerIsMember} makes every call answer
 * `AccessDeniedException`. Throttling is `TooManyRequestsException`.
 */
import type { IncomingMessage } from 'node:http';
import {
  AwsError,
  FakeHttpServer,
  type FakeServerOptions,
  type ParsedRequest,
  type Reply,
} from './http.ts';
import { jsonError, jsonReply, parseJsonRequest } from './json-protocol.ts';

/** The Organizations target prefix the SDK sends in `X-Amz-Target`. */
const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';

/** An account's state in the organization. */
export type AccountState =
  | 'ACTIVE'
  | 'SUSPENDED'
  | 'PENDING_CLOSURE'
  | 'PENDING_ACTIVATION'
  | 'CLOSED';

/** A member account. */
export interface FakeAccount {
  readonly id: string;
  readonly name: string;
  readonly state: AccountState;
}

/** Options of {@link FakeOrganizations}. */
export interface FakeOrganizationsOptions extends FakeServerOptions {
  /** Also send the retired `Status` field (`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`). */
  legacyStatus?: boolean;
}

/** A fake organization. */
export class FakeOrganizations extends FakeHttpServer {
  /** The accounts, in the order ListAccounts returns them. */
  readonly accounts: FakeAccount[] = [];
  /** Whether the caller is a member account that is not a delegated administrator (mutable). */
  callerIsMember = false;
  private readonly legacyStatus: boolean;

  constructor(options: FakeOrganizationsOptions = {}) {
    super(options);
    this.legacyStatus = options.legacyStatus ?? false;
  }

  /** Adds an account (state `ACTIVE` by default). Throws if the id is not 12 digits. */
  addAccount(id: string, state: AccountState = 'ACTIVE'): FakeAccount {
    if (!/^\d{12}$/.test(id)) throw new Error(`not an account id: ${id}`);
    const account = { id, name: `account-${id}`, state };
    this.accounts.push(account);
    return account;
  }

  protected override parse(request: IncomingMessage, raw: Buffer) {
    return parseJsonRequest(request, raw, ORGANIZATIONS_TARGET_PREFIX);
  }

  protected override handle(request: ParsedRequest): Reply {
    if (request.operation !== 'ListAccounts') {
      throw new AwsError(
        'UnknownOperationException',
        `operation ${request.operation || '(none)'} is not supported by the fake Organizations`,
      );
    }
    if (this.callerIsMember) {
      throw new AwsError(
        'AccessDeniedException',
        "You don't have permissions to access this resource.",
      );
    }
    return jsonReply(this.listAccounts((request.body ?? {}) as Record<string, unknown>));
  }

  protected override errorReply(error: AwsError): Reply {
    return jsonError(error, 'Message');
  }

  protected override throttleError(): AwsError {
    return new AwsError(
      'TooManyRequestsException',
      'AWS Organizations can’t complete your request because the request rate is too high.',
    );
  }

  private listAccounts(body: Record<string, unknown>): unknown {
    const max = body.MaxResults;
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 20)) {
      throw new AwsError(
        'InvalidInputException',
        `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 20`,
      );
    }
    const size = typeof max === 'number' ? max : 20;
    let offset = 0;
    if (body.NextToken !== undefined) {
      const decoded = /^fake-token-(\d+)$/.exec(String(body.NextToken));
      offset = decoded ? Number(decoded[1]) : -1;
      if (offset < 0 || offset > this.accounts.length) {
        throw new AwsError(
          'InvalidInputException',
          'You specified an invalid value for nextToken.',
        );
      }
    }
    const end = offset + size;
    return {
      Accounts: this.accounts.slice(offset, end).map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::999999999999:account/o-fake/${a.id}`,
        Email: `${a.id}@example.com`,
        Name: a.name,
        State: a.state,
        ...(this.legacyStatus ? { Status: legacyStatusOf(a.state) } : {}),
        JoinedMethod: 'CREATED',
        JoinedTimestamp: 1_700_000_000,
      })),
      ...(end < this.accounts.length ? { NextToken: `fake-token-${end}` } : {}),
    };
  }
}

/** The retired `Status` of a state (it knew only these three). */
function legacyStatusOf(state: AccountState): string {
  if (state === 'ACTIVE' || state === 'SUSPENDED') return state;
  return 'PENDING_CLOSURE';
}
