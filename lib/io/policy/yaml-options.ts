/**
 * How the policy file is parsed: the options of the one YAML parse (JSON is YAML).
 *
 * @module
 */

/**
 * The options of the one YAML parse. `uniqueKeys` makes duplicate keys errors; `resolveKnownTags:
 * false` turns YAML 1.1 tags (`!!binary`, `!!set`, `!!timestamp`…) into unresolved-tag warnings,
 * which are reported as errors like every warning: a policy has no use for tags, and a value that
 * silently turns into a Buffer or a Date is a trap.
 *
 * @example
 * ```ts
 * parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter });
 * ```
 */
export const YAML_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: true,
  strict: true,
  version: '1.2',
  schema: 'core',
  merge: false,
  resolveKnownTags: false,
  intAsBigInt: false,
  keepSourceTokens: false,
} as const;
