/**
 * Where the test fixtures live. The AWS documentation samples are kept inside the repository so
 * that a fresh clone runs its tests with nothing beside it.
 */
import { readFileSync } from 'node:fs';
import type { Json } from './json.ts';

/**
 * The folder of the AWS documentation samples (see its README.md), as a URL ending in `/`.
 *
 * @example
 * ```ts
 * const text = readFileSync(new URL('ecr-image-action-push.json', AWS_DOCS_FIXTURES), 'utf8');
 * ```
 */
const AWS_DOCS_FIXTURES = new URL('../fixtures/aws-docs/', import.meta.url);

/** The file names (without `.json`) of the AWS documentation samples. */
export type SampleName =
  | 'ecr-image-action-push'
  | 'ecr-image-action-delete'
  | 'cloudtrail-record-put-image'
  | 'cloudtrail-record-create-repository'
  | 'eventbridge-cloudtrail-put-image';

/**
 * The raw text of one AWS sample, as AWS printed it (pretty, several lines).
 *
 * @example
 * ```ts
 * const lines = sampleText('ecr-image-action-push').split('\n');
 * ```
 */
export function sampleText(name: SampleName): string {
  return readFileSync(new URL(`${name}.json`, AWS_DOCS_FIXTURES), 'utf8');
}

/**
 * A fresh copy of one AWS sample: every call parses the file again, so tests may mutate it.
 *
 * @example
 * ```ts
 * const push = sample('ecr-image-action-push');
 * (push.detail as Json)['image-tag'] = 'v1';
 * ```
 */
export function sample(name: SampleName): Json {
  return JSON.parse(sampleText(name)) as Json;
}
