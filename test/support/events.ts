/**
 * Builders of domain events and raw AWS events for tests, shaped after the AWS samples in
 * test/fixtures/aws-docs/.
 */
import type { DomainEvent } from '../../lib/core/intake/types.ts';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import { ACCOUNT } from './account.ts';
import { digest } from './digest.ts';

export const REGION = 'eu-west-1';

/** ISO time `minutes` after a fixed start. */
export function at(minutes: number): string {
  return new Date(Date.UTC(2025, 6, 24, 0, 0, 0) + minutes * 60_000).toISOString();
}

const base = (minutes: number, id: string) => ({
  account: ACCOUNT,
  region: REGION,
  time: at(minutes),
  eventId: id,
  actor: null,
  origin: 'image-action' as const,
});

export function push(
  repository: string,
  tag: string,
  d: number,
  minutes: number,
  id = `push-${tag}-${d}-${minutes}`,
): DomainEvent {
  return { ...base(minutes, id), type: 'push', repository, tag, digest: digest(d) };
}

export function del(
  repository: string,
  tag: string | null,
  d: number | null,
  minutes: number,
): DomainEvent {
  return {
    ...base(minutes, `del-${tag}-${minutes}`),
    type: 'delete',
    repository,
    tag,
    digest: d === null ? null : digest(d),
  };
}

export function configChange(
  repository: string,
  config: MutabilityConfig,
  minutes: number,
): DomainEvent {
  return {
    ...base(minutes, `cfg-${repository}-${minutes}`),
    origin: 'cloudtrail',
    type: 'repository-config',
    repository,
    config,
  };
}

export function blocked(repository: string, tag: string, minutes: number): DomainEvent {
  return {
    ...base(minutes, `blk-${tag}-${minutes}`),
    origin: 'cloudtrail',
    type: 'overwrite-blocked',
    repository,
    tag,
    digest: null,
  };
}
