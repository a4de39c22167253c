import { OptionError } from '../errors.js';
import { previewJson } from '../json.js';
import type { JsonObject, JsonValue } from '../json.js';

/**
 * Where an option is being read: its owner (the bijector or flow named in errors), its key, and
 * the other options of the same declaration, so that one option can depend on another (a shift
 * list needs the event shape, a scale its lower bound).
 */
export interface OptionContext {
  /** The bijector or flow whose options these are; errors start with it. */
  readonly owner: string;
  /** The key of the option being read. */
  readonly key: string;
  /** `owner: option 'key'`, the start of every error about this option. */
  readonly what: string;
  /** The resolved value of another option of the declaration (read now when it has not been yet). */
  value<T>(key: string): T;
  /** The value given for another option, unchecked (`undefined` when absent). */
  given(key: string): unknown;
}

/**
 * How one option is read, saved and documented: the unit {@link defineOptions} is built from
 * (make one with the factories in {@link option}).
 */
export interface OptionField<T> {
  /**
   * Checks the given value (`undefined` when the option is absent) and returns the resolved one,
   * its default filled in; a bad value throws an OptionError or ShapeError naming owner and key.
   */
  read(value: unknown, context: OptionContext): T;
  /** The resolved value as saved in a model's config; `undefined` leaves the key out. */
  save(value: T): JsonValue | undefined;
  /**
   * The default as the TSDoc of the options type states it (`12`, `[64, 64]`, `` `relu` ``,
   * `none`); absent when the option is required or its default is drawn (a seed). The options
   * docs test checks every registered bijector's TSDoc against it.
   */
  readonly defaultText?: string;
  /**
   * How a form or a command line takes the option (its type, bounds, choices and default), for the
   * kinds that have a plain input; absent for shapes, seeds, configs and custom options.
   */
  readonly input?: OptionInput;
}

/**
 * A plain input for an option, as a tool renders it: a number within bounds, an integer >= `min`,
 * a boolean, one of `values`, or a list of positive integers (hidden widths).
 */
export type OptionInput =
  | {
      readonly type: 'number';
      readonly default?: number;
      readonly above?: number;
      readonly atLeast?: number;
      readonly atMost?: number;
    }
  | { readonly type: 'integer'; readonly default?: number; readonly min: number }
  | { readonly type: 'boolean'; readonly default: boolean }
  | {
      readonly type: 'choice';
      readonly values: readonly (string | number)[];
      readonly default?: string | number;
    }
  | { readonly type: 'integers'; readonly default: readonly number[] };

/** The fields of one declaration, by option key, in the order the saved config lists them. */
export type OptionFields = Readonly<Record<string, OptionField<unknown>>>;

/** The resolved (checked, defaults filled in) options of a declaration with fields `F`. */
export type ResolvedOptions<F extends OptionFields> = {
  -readonly [K in keyof F]: F[K] extends OptionField<infer T> ? T : never;
};

/**
 * The options of one bijector or flow, declared once: their keys, defaults, checks and saved form.
 * `read` turns unknown input into typed resolved options, `toConfig` gives the saved JSON.
 */
export interface OptionSchema<F extends OptionFields = OptionFields> {
  /** The bijector or flow named in errors (its registry name). */
  readonly owner: string;
  /** The fields, by key, in config order. */
  readonly fields: F;
  /** The known option keys, in config order. */
  readonly keys: readonly string[];
  /**
   * Checks `options` (an object with no unknown keys, each option valid) and returns them resolved;
   * options are read in declaration order, an option another one needs first.
   */
  read(options: unknown): ResolvedOptions<F>;
  /** The saved options: every field's saved form in declaration order, keys whose form is `undefined` left out. */
  toConfig(resolved: ResolvedOptions<F>): JsonObject;
}

/**
 * Checks that `options` is an object with no keys outside `known` (a typo is an {@link OptionError}).
 * @internal
 */
export function checkOptionKeys(
  owner: string,
  options: unknown,
  known: readonly string[],
): Readonly<Record<string, unknown>> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(`${owner}: options must be an object, got ${previewJson(options)}`);
  }
  const record = options as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key) && record[key] !== undefined) {
      throw new OptionError(`${owner}: unknown option '${key}'; known options: ${known.join(', ')}`);
    }
  }
  return record;
}

/**
 * The context of option `key` of `owner`, reading the other options through `value` and `given`.
 * @internal
 */
export function optionContext(
  owner: string,
  key: string,
  value: (key: string) => unknown = (other) => {
    throw new Error(`${owner}: option '${key}' reads option '${other}', which is not declared with it`);
  },
  given: (key: string) => unknown = () => undefined,
): OptionContext {
  return {
    owner,
    key,
    what: `${owner}: option '${key}'`,
    value: <T>(other: string) => value(other) as T,
    given,
  };
}

/**
 * Declares the options of the bijector or flow `owner` once: one {@link OptionField} per key, in the
 * order its saved config lists them. The result reads and checks options (unknown keys, types,
 * ranges and defaults, with errors naming owner and key) and writes the saved config.
 * @example
 * ```ts
 * import { defineOptions, option } from '@bijective/core';
 * const SCALED_OPTIONS = defineOptions('acme/scaled', {
 *   eventShape: option.eventShape(),
 *   factor: option.number({ default: 2, above: 0 }),
 *   trainable: option.boolean({ default: true }),
 * });
 * const resolved = SCALED_OPTIONS.read({ eventShape: [3] }); // { eventShape: [3], factor: 2, trainable: true }
 * SCALED_OPTIONS.toConfig(resolved); // the saved options, every default written out
 * ```
 */
export function defineOptions<F extends OptionFields>(owner: string, fields: F): OptionSchema<F> {
  const keys = Object.keys(fields);
  return {
    owner,
    fields,
    keys,
    read(options: unknown): ResolvedOptions<F> {
      const record = checkOptionKeys(owner, options, keys);
      const resolved = new Map<string, unknown>();
      const reading = new Set<string>();
      const value = (key: string): unknown => {
        if (resolved.has(key)) return resolved.get(key);
        const field = fields[key];
        if (field === undefined || reading.has(key)) {
          throw new Error(`${owner}: option '${key}' is ${field ? 'read in a cycle' : 'not declared'}`);
        }
        reading.add(key);
        const result = field.read(
          record[key],
          optionContext(owner, key, value, (k) => record[k]),
        );
        resolved.set(key, result);
        return result;
      };
      return Object.fromEntries(keys.map((key) => [key, value(key)])) as ResolvedOptions<F>;
    },
    toConfig(resolved: ResolvedOptions<F>): JsonObject {
      const config: JsonObject = {};
      for (const key of keys) {
        const saved = (fields[key] as OptionField<unknown>).save(resolved[key as keyof F]);
        if (saved !== undefined) config[key] = saved;
      }
      return config;
    },
  };
}
