import { LIMITS, type Limits } from '../limits.js';
import { ModelFileError } from './errors.js';

/** One value met by {@link walkJson}: where it sits, for messages and for the visitor. */
export interface JsonNode {
  /** The value. */
  readonly value: unknown;
  /** Its parent node, or null for the root. */
  readonly parent: JsonNode | null;
  /** Its key in the parent (a property name or an array index). */
  readonly key: string | number | null;
  /** Nesting depth: 0 for the root, 1 for its children, ... */
  readonly depth: number;
}

/** The path of a node as `root.a[0].b`, shortened in the middle when long. */
export function nodePath(node: JsonNode, root: string): string {
  const parts: string[] = [];
  for (let n: JsonNode | null = node; n !== null && n.key !== null; n = n.parent) {
    parts.push(
      typeof n.key === 'number' ? `[${n.key}]` : `.${n.key.length > 40 ? `${n.key.slice(0, 40)}…` : n.key}`,
    );
  }
  parts.reverse();
  const shown = parts.length > 12 ? [...parts.slice(0, 8), '…', ...parts.slice(-3)] : parts;
  return `${root}${shown.join('')}`;
}

/** Shared count of the values visited, so that several parts of one model share {@link Limits.maxJsonValues}. */
export interface ValueCount {
  /** Values visited so far. */
  values: number;
}

/**
 * Walks a JSON document depth-first without recursion, so that any nesting is safe, counting its
 * values; throws a {@link ModelFileError} naming `file` when arrays and objects nest deeper than
 * `limits.maxJsonDepth` (a cycle is reported as such) or the values exceed `limits.maxJsonValues`.
 * `visit` sees each array and object before its children.
 */
export function walkJson(
  root: unknown,
  rootName: string,
  file: string,
  count: ValueCount = { values: 0 },
  limits: Limits = LIMITS,
  visit?: (node: JsonNode) => void,
): void {
  const tooMany = (node: JsonNode, detail = '') =>
    new ModelFileError(
      file,
      `holds more than ${limits.maxJsonValues} JSON values (LIMITS.maxJsonValues); refused at ${nodePath(node, rootName)}${detail}`,
    );
  const first: JsonNode = { value: root, parent: null, key: null, depth: 0 };
  count.values++;
  if (count.values > limits.maxJsonValues) throw tooMany(first);
  if (typeof root !== 'object' || root === null) return;
  const stack: JsonNode[] = [first];
  while (stack.length > 0) {
    const node = stack.pop() as JsonNode;
    const value = node.value as object;
    if (node.depth >= limits.maxJsonDepth) {
      for (let n = node.parent; n !== null; n = n.parent) {
        if (n.value === value) {
          throw new ModelFileError(file, `${nodePath(node, rootName)} refers back to itself (a cycle)`);
        }
      }
      throw new ModelFileError(
        file,
        `nests arrays and objects more than ${limits.maxJsonDepth} levels deep (LIMITS.maxJsonDepth) at ${nodePath(node, rootName)}`,
      );
    }
    visit?.(node);
    const keys = Array.isArray(value) ? null : Object.keys(value);
    const size = keys === null ? (value as unknown[]).length : keys.length;
    if (count.values + size > limits.maxJsonValues) throw tooMany(node, ` (${size} entries)`);
    const children: JsonNode[] = [];
    for (let i = 0; i < size; i++) {
      const key = keys === null ? i : (keys[i] as string);
      const child = (value as Record<string | number, unknown>)[key];
      if (child === undefined) continue;
      count.values++;
      if (typeof child === 'object' && child !== null) {
        children.push({ value: child, parent: node, key, depth: node.depth + 1 });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as JsonNode);
  }
}
