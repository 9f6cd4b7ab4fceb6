/**
 * The structure guard of a parsed policy document, run before any schema check: bounded nesting,
 * every alias resolved, and the billion-laughs kind of alias bomb refused.
 *
 * @module
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
} from 'yaml';
import type { PolicyIssues } from '../../core/policy/issues.ts';
import { POLICY_LIMITS } from '../../core/policy/limits.ts';

/** Where each alias of a document points; filled by {@link checkStructure}. */
export type AliasTargets = ReadonlyMap<Alias, Node>;

/** The children of a collection in document order; a pair contributes its key, then its value. */
function childrenOf(node: Node): unknown[] {
  if (!isMap(node) && !isSeq(node)) return [];
  const children: unknown[] = [];
  for (const item of node.items as unknown[]) {
    if (isPair(item)) children.push(item.key, item.value);
    else children.push(item);
  }
  return children;
}

/**
 * One iterative pass over the document, before any schema check: bounds the nesting depth,
 * resolves every alias to the last anchor of that name before it (YAML's rule), refuses an alias
 * inside the node it names, and refuses documents whose aliases expand to more than
 * {@link POLICY_LIMITS.maxAliasExpansion} nodes in all (an alias bomb: a few lines whose aliases
 * nest into billions of nodes). yaml's own `maxAliasCount` guard lives in `toJS`, which this
 * module does not use, and it resolves aliases by re-walking the document, which is quadratic.
 *
 * @example
 * ```ts
 * const aliases = checkStructure(doc, issues);
 * issues.throwIfAny(); // an alias bomb, a cycle or too deep a nesting
 * ```
 */
export function checkStructure(doc: Document.Parsed, issues: PolicyIssues): Map<Alias, Node> {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  // Expanded size of every node whose subtree is complete; an anchor not in here is an ancestor.
  const sizes = new Map<Node, number>();
  let expansion = 0;
  const root = doc.contents as Node | null;
  if (root === null || isAlias(root)) return targets;
  if (root.anchor !== undefined) anchors.set(root.anchor, root);
  const stack: { node: Node; children: unknown[]; next: number; size: number }[] = [
    { node: root, children: childrenOf(root), next: 0, size: 1 },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    if (frame.next >= frame.children.length) {
      stack.pop();
      sizes.set(frame.node, frame.size);
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.size += frame.size;
      continue;
    }
    const child = frame.children[frame.next];
    frame.next += 1;
    if (isAlias(child)) {
      const target = anchors.get(child.source);
      const size = target === undefined ? undefined : sizes.get(target);
      if (target === undefined) {
        issues.at(
          child.range?.[0] ?? null,
          `unknown alias *${child.source}: no anchor &${child.source} comes before it`,
        );
      } else if (size === undefined) {
        issues.at(
          child.range?.[0] ?? null,
          `alias *${child.source} refers to a node that contains it`,
        );
      } else {
        targets.set(child, target);
        expansion += size;
        frame.size += size;
        if (expansion > POLICY_LIMITS.maxAliasExpansion) {
          issues.at(
            child.range?.[0] ?? null,
            `YAML aliases expand to more than ${POLICY_LIMITS.maxAliasExpansion} nodes; alias bombs are refused`,
          );
          return targets;
        }
      }
      continue;
    }
    if (!isScalar(child) && !isMap(child) && !isSeq(child)) continue;
    // Registered before the children are visited, as YAML orders anchors: a self-reference then
    // finds this node, still without a size, and is reported as a cycle.
    if (child.anchor !== undefined) anchors.set(child.anchor, child);
    if (isScalar(child)) {
      sizes.set(child, 1);
      frame.size += 1;
      continue;
    }
    if (stack.length >= POLICY_LIMITS.maxDepth) {
      issues.at(
        child.range?.[0] ?? null,
        `collections are nested more than ${POLICY_LIMITS.maxDepth} levels deep`,
      );
      return targets;
    }
    stack.push({ node: child, children: childrenOf(child), next: 0, size: 1 });
  }
  return targets;
}
