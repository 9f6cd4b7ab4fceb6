/**
 * Helpers for the infrastructure tests: a least-privilege audit of IAM policy documents as
 * CloudFormation JSON, and a ZIP central-directory reader (pure Node) for the packaged artifacts.
 */
import { RESOURCE_WILDCARD_EXCEPTIONS } from '../../infra/iam.ts';

/** A policy statement as found in a template (strings or lists, intrinsic functions). */
export interface AnyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** The statement's actions as a list. */
export function actionsOf(statement: AnyStatement): string[] {
  const action = statement.Action;
  if (action === undefined) return [];
  return typeof action === 'string' ? [action] : [...action];
}

/** The statement's resources as a list. */
export function resourcesOf(statement: AnyStatement): unknown[] {
  const resource = statement.Resource;
  if (resource === undefined) return [];
  return Array.isArray(resource) ? [...resource] : [resource];
}

const EXCEPTIONS: readonly string[] = RESOURCE_WILDCARD_EXCEPTIONS;

/**
 * True when a resource names this stack's resources or this account's resources in this region:
 * a `Ref`/`Fn::GetAtt` of a (non-pseudo) logical id, or an `Fn::Sub` ARN in the stack's own
 * partition, region and account whose resource part is not a bare wildcard.
 */
export function isScopedResource(resource: unknown): boolean {
  if (typeof resource !== 'object' || resource === null) return false;
  const value = resource as Record<string, unknown>;
  if (typeof value.Ref === 'string') return !value.Ref.startsWith('AWS::');
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return typeof getAtt[0] === 'string' && getAtt[0].length > 0;
  const sub = value['Fn::Sub'];
  // Objects under a prefix of one of the stack's buckets: `${Bucket.Arn}/prefix/*`.
  if (typeof sub === 'string' && /^\$\{[A-Za-z0-9]+\.Arn\}\/[^*]+\*?$/.test(sub)) return true;
  if (typeof sub === 'string') {
    const match =
      /^arn:\$\{AWS::Partition\}:([a-z0-9-]+):\$\{AWS::Region\}:\$\{AWS::AccountId\}:(.+)$/.exec(
        sub,
      );
    if (!match) return false;
    const resourcePart = match[2] ?? '';
    return resourcePart !== '*' && !resourcePart.startsWith('*');
  }
  return false;
}

/**
 * The least-privilege violations of some identity-policy statements, as messages (empty: none):
 * `NotAction`/`NotResource`; an allowed action containing `*`; a resource that is not scoped
 * ({@link isScopedResource}) — except `Resource: "*"` for the documented
 * {@link RESOURCE_WILDCARD_EXCEPTIONS}, in a statement holding nothing but such actions.
 */
export function leastPrivilegeViolations(statements: readonly AnyStatement[]): string[] {
  const problems: string[] = [];
  for (const [index, statement] of statements.entries()) {
    const name = statement.Sid ?? `#${index}`;
    if (statement.NotAction !== undefined) problems.push(`${name}: NotAction`);
    if (statement.NotResource !== undefined) problems.push(`${name}: NotResource`);
    if (statement.Effect !== 'Allow') continue;
    const actions = actionsOf(statement);
    if (actions.length === 0) problems.push(`${name}: no action`);
    for (const action of actions) {
      if (action.includes('*')) problems.push(`${name}: wildcard action ${action}`);
    }
    const resources = resourcesOf(statement);
    if (resources.length === 0) problems.push(`${name}: no resource`);
    for (const resource of resources) {
      if (resource === '*') {
        const onlyExceptions = actions.length > 0 && actions.every((a) => EXCEPTIONS.includes(a));
        if (!onlyExceptions) problems.push(`${name}: Resource "*" for ${actions.join(', ')}`);
      } else if (!isScopedResource(resource)) {
        problems.push(`${name}: unscoped resource ${JSON.stringify(resource)}`);
      }
    }
  }
  return problems;
}

/**
 * The environment of an offline `osls package`: this process's, without any `AWS_` variable, with
 * its own HOME (no credentials, no config files) and no instance metadata.
 */
export function offlinePackagingEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  return Object.assign(env, { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', CI: '1' });
}

/** One entry of a ZIP archive's central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly uncompressedSize: number;
}

/** Lists a ZIP archive from its central directory (no ZIP64, which small artifacts never need). */
export function listZip(archive: Buffer): ZipEntry[] {
  const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
  const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  let end = -1;
  for (let at = archive.length - 22; at >= Math.max(0, archive.length - 22 - 0xffff); at--) {
    if (archive.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error('not a ZIP archive: no end of central directory record');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== CENTRAL_DIRECTORY_HEADER) {
      throw new Error(`bad central directory header at ${at}`);
    }
    const uncompressedSize = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({ name, uncompressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
