/**
 * Parses and validates a policy from its text (docs/policy.md). YAML and JSON are read by one
 * parser (JSON is YAML), and every problem is reported as `FILE:LINE:COL: message` at the node it
 * is about. All problems of a file are collected and thrown together as one {@link PolicyError};
 * nothing else is ever thrown for bad input.
 *
 * @module
 */
import { type Document, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { PolicyError } from '../../core/policy/errors.ts';
import { PolicyIssues } from '../../core/policy/issues.ts';
import { POLICY_LIMITS } from '../../core/policy/limits.ts';
import { errorText, oneLine } from '../../core/policy/message-text.ts';
import { sealPolicy } from '../../core/policy/seal.ts';
import type { Policy } from '../../core/policy/types.ts';
import { checkStructure } from './alias-guard.ts';
import { EMPTY_POLICY, PolicyReader } from './schema.ts';
import { yamlMessage } from './yaml-messages.ts';
import { YAML_OPTIONS } from './yaml-options.ts';

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function parseOrThrow(text: string, file: string): Policy {
  const size = byteLength(text);
  if (size > POLICY_LIMITS.maxBytes) {
    // Checked before parsing: the parser's time and memory grow with the input.
    const tooLarge = new PolicyIssues(file, null);
    tooLarge.at(
      null,
      `the policy file is ${size} bytes; at most ${POLICY_LIMITS.maxBytes} (1 MiB) are read`,
    );
    tooLarge.throwIfAny();
  }
  const lines = new LineCounter();
  const issues = new PolicyIssues(file, (offset) => lines.linePos(offset));
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: lines });
  if (docs.length === 0) {
    issues.at(null, EMPTY_POLICY);
  }
  for (const doc of docs) {
    for (const problem of [...doc.errors, ...doc.warnings]) {
      issues.at(problem.pos[0], yamlMessage(problem, text));
    }
  }
  const second = docs[1];
  if (second !== undefined) {
    issues.at(
      second.range[0],
      `the policy file must hold one YAML document, found ${docs.length} (the second starts here)`,
    );
  }
  issues.throwIfAny();
  const doc = docs[0] as Document.Parsed;
  const aliases = checkStructure(doc, issues);
  issues.throwIfAny();
  const policy = new PolicyReader(doc.contents as Node | null, lines, aliases, issues).read(file);
  issues.throwIfAny();
  if (policy === null) throw new Error('the policy reader found no issue but returned no policy');
  return sealPolicy(policy);
}

/**
 * Parses and validates a policy (docs/policy.md) from its text, YAML or JSON.
 *
 * @param text - the file's content.
 * @param fileName - the name used in messages and kept as {@link Policy.file}.
 * @returns the policy, deeply frozen, its globs compiled.
 * @throws {@link PolicyError} with every problem of the file, each at its `FILE:LINE:COL`; never
 *   any other exception.
 *
 * @example
 * ```ts
 * const policy = parsePolicy('version: 1\ndefault:\n  imageTagMutability: IMMUTABLE\n', 'p.yml');
 * ```
 */
export function parsePolicy(text: string, fileName: string): Policy {
  try {
    return parseOrThrow(text, fileName);
  } catch (error) {
    if (error instanceof PolicyError) throw error;
    // A bug or an exhausted resource inside a library: still one clean line, never a stack trace.
    throw new PolicyError(
      [
        {
          file: fileName,
          line: 1,
          column: 1,
          message: oneLine(`cannot read the policy: ${errorText(error)}`),
        },
      ],
      { cause: error },
    );
  }
}
