/**
 * A fake AWS STS speaking the wire protocol of `@aws-sdk/client-sts` (awsQuery: `POST /`, form
 * parameters `Action=AssumeRole&Version=2011-06-15&…`; XML answers and `<ErrorResponse>` errors).
 * One server stands for every regional endpoint (`https://sts.<region>.amazonaws.com`); the
 * region a request was signed for is recorded.
 *
 * Operation: AssumeRole, validated as the API reference documents it — `RoleArn` 20–2048
 * characters of the form `arn:<partition>:iam::<12 digits>:role/<path and name>`,
 * `RoleSessionName` 2–64 characters of `[\w+=,.@-]`, `DurationSeconds` 900–43200 and at most the
 * role's maximum session duration (3600 s unless {@link FakeSts.addRole} says otherwise). A role
 * never added is assumable; {@link FakeSts.denyRole} makes one refuse with `AccessDenied` (403).
 * The credentials returned identify the account of the role: their access key id is `ASIA`, the
 * 12-digit account and a 4-character suffix ({@link accountOfAccessKey} reads it back).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  AwsError,
  FakeHttpServer,
  type FakeServerOptions,
  type ParsedRequest,
  type Reply,
} from './http.ts';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** Credentials the fake issued. */
export interface IssuedCredentials {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** The region of the signature of the AssumeRole request (the regional endpoint used). */
  readonly signedRegion: string | undefined;
}

/**
 * The account a key the fake issued belongs to (`ASIA` + 12 digits + 4 characters), else
 * undefined.
 */
export function accountOfAccessKey(accessKeyId: string): string | undefined {
  return /^ASIA(\d{12})[A-Z0-9]{4}$/.exec(accessKeyId)?.[1];
}

/** The access key id and region of a SigV4 `Authorization` header's credential scope. */
export function signatureScope(
  authorization: string | undefined,
): { accessKeyId: string; region: string; service: string } | undefined {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    authorization ?? '',
  );
  if (!match) return undefined;
  return { accessKeyId: match[1] ?? '', region: match[2] ?? '', service: match[3] ?? '' };
}

/** A fake STS (every region). */
export class FakeSts extends FakeHttpServer {
  /** Every set of credentials issued, in order. */
  readonly issued: IssuedCredentials[] = [];
  private readonly denied = new Set<string>();
  private readonly maxSessions = new Map<string, number>();
  private serial = 0;

  constructor(options: FakeServerOptions = {}) {
    super(options);
  }

  /** Declares a role with its maximum session duration (seconds, 3600–43200). */
  addRole(roleArn: string, options: { maxSessionDuration?: number } = {}): this {
    this.maxSessions.set(roleArn, options.maxSessionDuration ?? 3600);
    return this;
  }

  /** Makes `roleArn` refuse AssumeRole with `AccessDenied` (its trust policy does not trust us). */
  denyRole(roleArn: string): this {
    this.denied.add(roleArn);
    return this;
  }

  /** Forgets the requests, faults, credentials issued and roles declared or denied. */
  override reset(): void {
    super.reset();
    this.issued.length = 0;
    this.denied.clear();
    this.maxSessions.clear();
  }

  /** The AssumeRole calls answered with credentials for `account`. */
  issuedFor(account: string): IssuedCredentials[] {
    return this.issued.filter((c) => accountOfAccessKey(c.accessKeyId) === account);
  }

  protected override parse(request: IncomingMessage, raw: Buffer) {
    const type = String(request.headers['content-type'] ?? '');
    if (request.headers['x-amz-target'] !== undefined || !type.startsWith(FORM_TYPE)) {
      throw new AwsError(
        'InvalidAction',
        `the fake STS speaks awsQuery only; the client sent ${type} (extend test/fakes/sts.ts)`,
      );
    }
    const body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    return { operation: body.Action ?? '', body };
  }

  protected override handle(request: ParsedRequest): Reply {
    const params = request.body as Record<string, string>;
    if (params.Version !== '2011-06-15') {
      throw new AwsError('InvalidAction', `Could not find version ${params.Version ?? 'null'}`);
    }
    if (request.operation !== 'AssumeRole') {
      throw new AwsError(
        'InvalidAction',
        `Could not find operation ${request.operation} for version 2011-06-15`,
      );
    }
    const scope = signatureScope(request.headers.authorization as string | undefined);
    return this.assumeRole(params, scope?.region);
  }

  protected override errorReply(error: AwsError): Reply {
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    return xml(
      error.status,
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${esc(error.code)}</Code>` +
        `<Message>${esc(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
  }

  protected override throttleError(): AwsError {
    return new AwsError('Throttling', 'Rate exceeded');
  }

  private assumeRole(params: Record<string, string>, signedRegion: string | undefined): Reply {
    const roleArn = params.RoleArn;
    const sessionName = params.RoleSessionName;
    if (roleArn === undefined) throw missing('roleArn');
    if (sessionName === undefined) throw missing('roleSessionName');
    if (roleArn.length < 20 || roleArn.length > 2048) {
      throw validation(
        `Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048`,
      );
    }
    if (!SESSION_NAME.test(sessionName)) {
      throw validation(
        `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64 and satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const duration = params.DurationSeconds === undefined ? 3600 : Number(params.DurationSeconds);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      throw validation(
        `Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
      );
    }
    const account = ROLE_ARN.exec(roleArn)?.[1];
    if (account === undefined) {
      throw new AwsError('ValidationError', `${roleArn} is invalid`);
    }
    if (this.denied.has(roleArn)) {
      throw new AwsError(
        'AccessDenied',
        `User: arn:aws:iam::999999999999:user/caller is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    if (duration > (this.maxSessions.get(roleArn) ?? 3600)) {
      throw new AwsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    const suffix = (this.serial++ % 36 ** 4).toString(36).toUpperCase().padStart(4, '0');
    const credentials: IssuedCredentials = {
      roleArn,
      sessionName,
      accessKeyId: `ASIA${account}${suffix}`,
      secretAccessKey: `secret-${randomUUID()}`,
      sessionToken: `token-${randomUUID()}`,
      expiration: new Date(Date.now() + duration * 1000),
      signedRegion,
    };
    this.issued.push(credentials);
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return xml(
      200,
      `<AssumeRoleResponse xmlns="${XMLNS}"><AssumeRoleResult>` +
        `<AssumedRoleUser><AssumedRoleId>AROA${account}FAKE:${esc(sessionName)}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${account}:assumed-role/${esc(roleName)}/${esc(sessionName)}</Arn></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId>` +
        `<SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey>` +
        `<SessionToken>${credentials.sessionToken}</SessionToken>` +
        `<Expiration>${credentials.expiration.toISOString()}</Expiration></Credentials>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  }
}

function validation(message: string): AwsError {
  return new AwsError('ValidationError', `1 validation error detected: ${message}`);
}

function missing(member: string): AwsError {
  return validation(
    `Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

function xml(status: number, body: string): Reply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?>\n${body}`,
  };
}

function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
