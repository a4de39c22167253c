/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A short JSON-like preview of any value for error messages: at most about `max` characters
 * (cut with `…`), nesting below 8 levels shown as `[…]`/`{…}`, NaN and Infinity spelled out.
 * Safe on values too large, too deep or cyclic for `JSON.stringify`.
 *
 * @example
 * ```ts
 * import { previewJson } from '@bijective/core';
 *
 * console.log(previewJson({ hidden: new Array(1e6).fill(64) })); // '{"hidden":[64,64,64,64,64,64,64,64,64,64,6…'
 * ```
 */
export function previewJson(value: unknown, max = 60): string {
  let out = '';
  const full = () => out.length > max;
  const write = (v: unknown, depth: number): void => {
    if (full()) return;
    if (typeof v === 'string') out += JSON.stringify(v.length > max ? v.slice(0, max + 1) : v);
    else if (v === null || typeof v === 'number' || typeof v === 'boolean') out += String(v);
    else if (typeof v !== 'object') out += typeof v === 'function' ? 'function' : String(v);
    else if (depth >= 8) out += Array.isArray(v) ? '[…]' : '{…}';
    else if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) out += ',';
        write(v[i], depth + 1);
      }
      out += ']';
    } else {
      out += '{';
      let first = true;
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (full()) break;
        out += `${first ? '' : ','}${JSON.stringify(key.length > max ? key.slice(0, max + 1) : key)}:`;
        first = false;
        write((v as Record<string, unknown>)[key], depth + 1);
      }
      out += '}';
    }
  };
  write(value, 0);
  return full() ? `${out.slice(0, max)}…` : out;
}
