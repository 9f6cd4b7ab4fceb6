/**
 * The organization scan's bucket, as its two state functions use it (docs/organization-scan.md):
 * `org-plan` writes an execution's items as one JSON array object (what the Distributed Map's
 * `ItemReader` reads: `arn:aws:states:::s3:getObject` with `ReaderConfig.InputType` `JSON`), and
 * `org-summary` reads what the Map's `ResultWriter` wrote — the `manifest.json` naming the result
 * files, then each `SUCCEEDED_n.json` and `FAILED_n.json` as a stream of entries (Developer Guide,
 * "ResultWriter (Map)",
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
 *
 * @module
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { JsonArraySplitter } from '../core/org/json-array-splitter.ts';
import type { ResultEntry } from '../core/org/result-entry.ts';

/** Where the `ResultWriter` put the manifest: the Map state's `ResultWriterDetails`. */
export interface ResultWriterDetails {
  readonly Bucket: string;
  readonly Key: string;
}

/** The manifest is not what the `ResultWriter` writes. */
class InvalidManifestError extends Error {
  override readonly name = 'InvalidManifestError';
}

/** The result files the summary reads: those of the children that ran to an end. */
const RESULT_KINDS = ['SUCCEEDED', 'FAILED'] as const;

/**
 * Writes `items` as one JSON array object at `key` of `bucket`.
 *
 * @example
 * ```ts
 * await putJsonArray(s3, 'bucket', 'plans/exec.json', [{ account: '111122223333', region: 'eu-west-1' }]);
 * ```
 */
export async function putJsonArray(
  s3: S3Client,
  bucket: string,
  key: string,
  items: readonly unknown[],
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(items),
      ContentType: 'application/json',
    }),
  );
}

/** The object's body as text chunks. */
async function* chunks(s3: S3Client, bucket: string, key: string): AsyncGenerator<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!Body) return;
  const decoder = new TextDecoder();
  for await (const chunk of Body as AsyncIterable<Uint8Array>) {
    yield decoder.decode(chunk, { stream: true });
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** The result files the manifest lists, SUCCEEDED first. */
async function resultFiles(s3: S3Client, details: ResultWriterDetails): Promise<string[]> {
  let text = '';
  for await (const chunk of chunks(s3, details.Bucket, details.Key)) text += chunk;
  let manifest: { ResultFiles?: Record<string, unknown> };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    throw new InvalidManifestError(`s3://${details.Bucket}/${details.Key} is not JSON`);
  }
  const keys: string[] = [];
  for (const kind of RESULT_KINDS) {
    const files = manifest.ResultFiles?.[kind] ?? [];
    if (!Array.isArray(files)) throw new InvalidManifestError(`ResultFiles.${kind} is not a list`);
    for (const file of files as { Key?: unknown }[]) {
      if (typeof file?.Key !== 'string')
        throw new InvalidManifestError(`a ${kind} file has no Key`);
      keys.push(file.Key);
    }
  }
  return keys;
}

/**
 * Every child execution's entry of the Map run whose manifest is at `details`, one at a time:
 * each result file is read as a stream and split into entries, so that no more than one entry
 * (and one chunk) is held at once.
 *
 * @example
 * ```ts
 * for await (const entry of readResultEntries(s3, { Bucket: 'b', Key: 'results/run/manifest.json' })) tally.add(resultOfEntry(entry));
 * ```
 */
export async function* readResultEntries(
  s3: S3Client,
  details: ResultWriterDetails,
): AsyncGenerator<ResultEntry> {
  for (const key of await resultFiles(s3, details)) {
    const splitter = new JsonArraySplitter();
    for await (const chunk of chunks(s3, details.Bucket, key)) {
      for (const text of splitter.push(chunk)) yield JSON.parse(text) as ResultEntry;
    }
    splitter.end();
  }
}
