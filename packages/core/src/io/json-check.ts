import type { JsonObject } from '../json.js';

/** True for a plain object (`{...}`), not an array, null or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The first reason `value` would not survive `JSON.stringify` / `JSON.parse` unchanged (NaN,
 * Infinity, a function, a class instance such as a Date or a tensor, a cycle), as
 * `<path> is ...`, or undefined when it is plain JSON. Object properties that are `undefined`
 * are allowed: JSON drops them, as if absent.
 */
export function jsonProblem(value: unknown, path: string, seen: Set<object> = new Set()): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}, not a JSON value`;
  if (seen.has(value)) return `${path} refers back to itself`;
  if (!Array.isArray(value) && !isPlainObject(value)) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    return `${path} is a ${kind}, not plain JSON${kind === 'Date' ? ' (store dates as date.toISOString())' : ''}`;
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const problem = jsonProblem(value[i], `${path}[${i}]`, seen);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const problem = jsonProblem(v, `${path}.${key}`, seen);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

/** True when `value` is a plain object holding only JSON values. */
export function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value) && jsonProblem(value, 'value') === undefined;
}
