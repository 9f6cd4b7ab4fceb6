/**
 * Reads the output of `aws ecr describe-repositories` (`{"repositories":[...]}`) as the starting
 * actual configuration of each repository.
 *
 * @module
 */

import { parseArn } from '../model/arn.ts';
import type { MutabilityConfig } from '../model/config.ts';
import { isRecord } from '../model/json.ts';
import type { RepositoryRef } from '../model/refs.ts';
import { normalizeRepositoryConfig } from '../semantics/validate.ts';
import { REPOSITORY } from './fields.ts';

/** One repository of a snapshot. */
export interface SnapshotEntry {
  readonly ref: RepositoryRef;
  readonly config: MutabilityConfig;
}

/** A snapshot entry that could not be read, with its position. */
export interface SnapshotProblem {
  readonly location: string;
  readonly reason: string;
}

/**
 * Parses a snapshot. Account and region come from each `repositoryArn`; an entry without them, or with a wrong configuration, is a problem and the
 * other entries are still read.
 */
export function parseRepositorySnapshot(
  text: string,
  file: string,
): { entries: SnapshotEntry[]; problems: SnapshotProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      entries: [],
      problems: [{ location: file, reason: `not JSON: ${(error as Error).message}` }],
    };
  }
  if (!isRecord(json) || !Array.isArray(json.repositories)) {
    return {
      entries: [],
      problems: [
        {
          location: file,
          reason: 'expected the output of `aws ecr describe-repositories`: {"repositories": [...]}',
        },
      ],
    };
  }
  const entries: SnapshotEntry[] = [];
  const problems: SnapshotProblem[] = [];
  json.repositories.forEach((item: unknown, index: number) => {
    const location = `${file}: repositories[${index}]`;
    if (!isRecord(item)) {
      problems.push({ location, reason: 'not an object' });
      return;
    }
    const arn = typeof item.repositoryArn === 'string' ? parseArn(item.repositoryArn) : null;
    if (
      arn?.service !== 'ecr' ||
      !arn.region ||
      !arn.account ||
      !arn.resource.startsWith('repository/')
    ) {
      problems.push({ location, reason: 'repositoryArn is missing or not an ECR repository ARN' });
      return;
    }
    const { region, account } = arn;
    const repository = arn.resource.slice('repository/'.length);
    // Events are held to ECR's name rules; a hand-edited snapshot must be too, since the name
    // reaches tables, Markdown and alerts.
    if (repository.length > REPOSITORY.maxLength || !REPOSITORY.test(repository)) {
      problems.push({
        location,
        reason: `repositoryArn names ${JSON.stringify(repository.slice(0, 80))}, not ${REPOSITORY.what}`,
      });
      return;
    }
    const config = normalizeRepositoryConfig(item);
    if (typeof config === 'string') {
      problems.push({ location, reason: config });
      return;
    }
    entries.push({ ref: { account, region, repository }, config });
  });
  return { entries, problems };
}
