/**
 * `replay --state` on a corrupt state file (docs/cli.md#exit-codes, docs/ledger.md#the-cli-state-file):
 * a valid state written by a real run, with one field mutated — a value of another type, the
 * field missing, or a string outside the field's grammar — is refused before any input is read,
 * with one line naming the file and the field.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../support/json.ts';
import { createTemplate, ecrConfig, linesOf, reEscape } from '../support.ts';
import { prepare, push, remove, replay, storyEvents } from './support.ts';

/** A leaf or a container of the document, by its path (object keys and array indexes). */
interface Place {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

/** Every value inside `value`, containers included, with its path. */
function places(value: unknown, path: readonly (string | number)[] = []): Place[] {
  const here: Place = { path, value };
  if (Array.isArray(value))
    return [here, ...value.flatMap((item, i) => places(item, [...path, i]))];
  if (typeof value === 'object' && value !== null) {
    return [here, ...Object.entries(value).flatMap(([k, v]) => places(v, [...path, k]))];
  }
  return [here];
}

/** Fields whose strings have no grammar: any text is valid there. */
const FREE_TEXT = new Set(['message', 'actor', 'actualKey', 'expectedKey', 'filter']);
/** Fields that may be absent (files from before they existed). */
const OPTIONAL = new Set(['prevTime']);

/** `document` with the value at `path` replaced (or, for `undefined`, deleted). */
function mutated(document: Json, path: readonly (string | number)[], value: unknown): Json {
  const copy = structuredClone(document);
  let parent: Record<string | number, unknown> = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

type Mutation = { readonly path: readonly (string | number)[]; readonly value: unknown };

/** A valid state, written by a real run. */
async function validState(): Promise<Json> {
  // A state with every kind of record a run writes: moved tags with history, a tombstone, a
  // repository and a template in drift with their findings.
  const { dir, policy, input } = prepare([
    ...storyEvents(),
    remove('web', 'v1', 2, 10),
    push('web', 'v1', 3, 11),
    remove('web', 'dev-1', 3, 12),
    createTemplate('team', 13, ecrConfig('MUTABLE')),
  ]);
  const state = join(dir, 'state.json');
  const run = await replay(['--policy', policy, '--state', state, input]);
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(readFileSync(state, 'utf8'));
}

describe('replay --state with one field of a valid state mutated', () => {
  it('the unmutated state is accepted (the property below is about the mutation alone)', async () => {
    // Prepare
    const { dir, policy, input } = prepare([]);
    const state = join(dir, 'state.json');
    writeFileSync(state, JSON.stringify(await validState()));
    // Act
    const run = await replay(['--policy', policy, '--state', state, input]);
    // Assess
    expect(run.code).toBe(0);
  });

  it('any field of another type, missing, or a string outside its grammar → exit 2, one line naming the file and the field', async () => {
    // Prepare: one directory, rewritten per case; the input does not exist, which alone would
    // be exit 3, so exit 2 with nothing else shows that the state was refused before reading
    const valid = await validState();
    const { dir, policy } = prepare([]);
    const state = join(dir, 'state.json');
    const missingInput = join(dir, 'missing.ndjson');
    const all = places(valid).filter((p) => p.path.length > 0);
    const wrongType = all.map(
      (p): Mutation => ({ path: p.path, value: typeof p.value === 'number' ? 'one' : 42 }),
    );
    const missing = all
      .filter((p) => typeof p.path.at(-1) === 'string' && !OPTIONAL.has(String(p.path.at(-1))))
      .filter((p) => p.path.at(-2) !== 'tags') // a tag's record missing is a tag not known
      .map((p): Mutation => ({ path: p.path, value: undefined }));
    const strings = all.filter((p) => {
      const field = [...p.path].reverse().find((k) => typeof k === 'string') as string;
      return typeof p.value === 'string' && !FREE_TEXT.has(field);
    });
    const garbage = fc
      .tuple(
        fc.constantFrom(...strings),
        fc.string({ maxLength: 20 }),
        fc.constantFrom(' ', '\u0000', 'é', '\n'),
      )
      .map(([p, text, bad]): Mutation => ({ path: p.path, value: `${bad}${text}` }));
    const mutation = fc.oneof(fc.constantFrom(...wrongType, ...missing), garbage);

    await fc.assert(
      fc.asyncProperty(mutation, async ({ path, value }) => {
        writeFileSync(state, JSON.stringify(mutated(valid, path, value)));
        // Act
        const run = await replay(['--policy', policy, '--state', state, missingInput]);
        // Assess
        const lines = linesOf(run.stderr);
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          new RegExp(`^ecr-tag-auditor: ${reEscape(state)}: ${reEscape(path.join('.'))}: `),
        );
        expect(run.stderr).not.toContain('unexpected error');
        expect(run.stderr).not.toMatch(/^\s+at /m);
      }),
      { numRuns: 300 },
    );
  });
});
