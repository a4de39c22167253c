import type { BijectorConfig } from '../bijector.js';
import { previewJson } from '../json.js';
import { OptionError, ShapeError } from '../errors.js';
import type { JsonObject, JsonValue } from '../json.js';
import { ACTIVATIONS, type ActivationName } from '../nn/activation.js';
import { checkEventShape, eventSize, formatShape, type EventShape } from '../shapes.js';
import type { OptionContext, OptionField, OptionInput } from './schema.js';

/** A default as the options' TSDoc writes it: numbers below 0.01 as `1e-3`, strings in backticks, lists as `[64, 64]`. */
export function defaultText(value: JsonValue): string {
  if (typeof value === 'number') {
    return value !== 0 && Math.abs(value) < 0.01 ? value.toExponential() : String(value);
  }
  if (typeof value === 'string') return `\`${value}\``;
  if (Array.isArray(value)) return `[${value.map(defaultText).join(', ')}]`;
  return JSON.stringify(value);
}

/** A JSON copy of a resolved value (lists and objects copied, so a saved config shares nothing). */
function copy(value: unknown): JsonValue | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

/** Builds a field; `save` defaults to a JSON copy of the resolved value and `defaultText` to the text of `fallback`. */
function field<T>(
  read: (value: unknown, context: OptionContext) => T,
  extra: {
    save?: (value: T) => JsonValue | undefined;
    fallback?: JsonValue;
    defaultText?: string;
    input?: OptionInput;
  } = {},
): OptionField<T> {
  const text = extra.defaultText ?? (extra.fallback !== undefined ? defaultText(extra.fallback) : undefined);
  return {
    read,
    save: extra.save ?? ((value) => copy(value)),
    ...(text !== undefined ? { defaultText: text } : {}),
    ...(extra.input ? { input: extra.input } : {}),
  };
}

/** An input's description with no default (an optional option is absent by default). */
function withoutDefault(input: OptionInput): OptionInput {
  if (input.type === 'boolean' || input.type === 'integers') return input;
  const { default: _unused, ...rest } = input;
  return rest;
}

/** An allowed value in an error: strings quoted, numbers bare. */
function quoted(value: string | number): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The bounds of a number option. */
export interface NumberRange {
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive lower bound. */
  atLeast?: number;
  /** Inclusive upper bound. */
  atMost?: number;
}

/** Checks that `value` is a finite number within `range`; `what` starts the error. */
function checkNumber(what: string, value: unknown, range: NumberRange): number {
  const { above, atLeast, atMost } = range;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (above !== undefined && !(value > above)) ||
    (atLeast !== undefined && !(value >= atLeast)) ||
    (atMost !== undefined && !(value <= atMost))
  ) {
    const bounds = [
      above !== undefined ? `> ${above}` : '',
      atLeast !== undefined ? `>= ${atLeast}` : '',
      atMost !== undefined ? `<= ${atMost}` : '',
    ].filter((b) => b !== '');
    const wanted = `a finite number${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
    throw new OptionError(`${what} must be ${wanted}, got ${previewJson(value)}`);
  }
  return value;
}

/**
 * Checks per-element values (a number for every element or a row-major list of the event's size).
 * @internal
 */
export function checkEventValues(
  what: string,
  value: unknown,
  shape: EventShape,
  valid: { test: (v: number) => boolean; what: string } = { test: () => true, what: 'finite' },
): number[] {
  const size = eventSize(shape);
  const values = typeof value === 'number' ? new Array<number>(size).fill(value) : value;
  if (!Array.isArray(values) || values.length !== size) {
    throw new OptionError(
      `${what} must be a number or a list of ${size} numbers (event shape ${formatShape(shape)}), got ${previewJson(value)}`,
    );
  }
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || !valid.test(v));
  if (bad >= 0) {
    throw new OptionError(
      `${what} must hold ${valid.what} numbers, got ${previewJson(values[bad])} at ${bad}`,
    );
  }
  return values as number[];
}

/**
 * The JSON form of a per-element option: the number when all elements share it, else the list.
 * @internal
 */
export function eventValuesJson(values: readonly number[]): number | number[] {
  const first = values[0] as number;
  return values.every((v) => v === first) ? first : [...values];
}

/**
 * Checks that `value` is a {@link BijectorConfig} (`{name, options}`); `what` names it in errors.
 * @internal
 */
export function checkBijectorConfig(owner: string, value: unknown, what: string): BijectorConfig {
  const config = value as { name?: unknown; options?: unknown } | null;
  if (
    typeof config !== 'object' ||
    config === null ||
    typeof config.name !== 'string' ||
    typeof config.options !== 'object' ||
    config.options === null ||
    Array.isArray(config.options)
  ) {
    throw new OptionError(
      `${owner}: ${what} must be a bijector config {name, options}, got ${previewJson(value)}`,
    );
  }
  return { name: config.name, options: config.options as JsonObject };
}

/**
 * A bijector config as a JSON value (a plain copy of its name and options).
 * @internal
 */
export function configJson(config: BijectorConfig): JsonObject {
  return { name: config.name, options: config.options };
}

/**
 * The option kinds a bijector or flow declares with {@link defineOptions}: each checks its value
 * with an error naming owner and key, fills in its default and knows its saved form.
 */
export const option = {
  /** A required event shape of any rank (a non-empty list of positive integers, else a ShapeError). */
  eventShape(): OptionField<EventShape> {
    return field((value, c) => [...checkEventShape(value, c.what)]);
  },

  /**
   * A required vector event shape `[d]` with d >= `min` (default 1); `why` explains a minimum above
   * 1 in the error (e.g. why couplings need d >= 2). A wrong shape is a ShapeError.
   */
  vectorShape(settings: { min?: number; why?: string } = {}): OptionField<[number]> {
    const { min = 1, why = '' } = settings;
    return field((value, c) => {
      const shape = checkEventShape(value, c.what);
      if (shape.length !== 1) {
        throw new ShapeError(`${c.what} must be a vector shape [d], got ${formatShape(shape)}`);
      }
      const d = shape[0] as number;
      if (d < min) {
        throw new ShapeError(
          `${c.owner}: ${why ? `${why}, so they need` : `option '${c.key}' must be a vector shape [d] with`} d >= ${min}; got ${c.key} [${d}]`,
        );
      }
      return [d];
    });
  },

  /** An optional context shape: `null` (unconditional, left out of the config) when absent. */
  contextShape(): OptionField<EventShape | null> {
    return field(
      (value, c) => (value === undefined || value === null ? null : [...checkEventShape(value, c.what)]),
      {
        save: (shape) => (shape === null ? undefined : [...shape]),
        defaultText: 'none',
      },
    );
  },

  /** A finite number within `range`, `default` when absent (required without one). */
  number(settings: NumberRange & { default?: number }): OptionField<number> {
    const { default: fallback, ...range } = settings;
    return field((value, c) => checkNumber(c.what, value ?? fallback, range), {
      fallback,
      input: { type: 'number', ...range, ...(fallback !== undefined ? { default: fallback } : {}) },
    });
  },

  /** An integer >= `min` (default 1), `default` when absent (required without one). */
  integer(settings: { default?: number; min?: number }): OptionField<number> {
    const { default: fallback, min = 1 } = settings;
    return field(
      (given, c) => {
        const value = given ?? fallback;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
          throw new OptionError(`${c.what} must be an integer >= ${min}, got ${previewJson(value)}`);
        }
        return value;
      },
      { fallback, input: { type: 'integer', min, ...(fallback !== undefined ? { default: fallback } : {}) } },
    );
  },

  /** A count such as a number of layers: a positive integer, `default` when absent. */
  count(settings: { default: number }): OptionField<number> {
    const fallback = settings.default;
    return field(
      (given, c) => {
        const value = given ?? fallback;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
          throw new OptionError(`${c.what} must be a positive integer, got ${previewJson(value)}`);
        }
        return value;
      },
      { fallback, input: { type: 'integer', min: 1, default: fallback } },
    );
  },

  /** A boolean, `default` when absent. */
  boolean(settings: { default: boolean }): OptionField<boolean> {
    const fallback = settings.default;
    return field(
      (given, c) => {
        const value = given ?? fallback;
        if (typeof value !== 'boolean') {
          throw new OptionError(`${c.what} must be a boolean, got ${previewJson(value)}`);
        }
        return value;
      },
      { fallback, input: { type: 'boolean', default: fallback } },
    );
  },

  /** One of `values`, `default` when absent (required without one). */
  oneOf<const V extends string | number>(
    values: readonly V[],
    settings: { default?: NoInfer<V> } = {},
  ): OptionField<V> {
    const fallback = settings.default;
    const wanted =
      values.length === 2
        ? `${quoted(values[0] as V)} or ${quoted(values[1] as V)}`
        : `one of ${values.join(', ')}`;
    return field(
      (given, c) => {
        const value = given ?? fallback;
        if (!(values as readonly unknown[]).includes(value)) {
          throw new OptionError(`${c.what} must be ${wanted}, got ${previewJson(value)}`);
        }
        return value as V;
      },
      {
        fallback,
        input: {
          type: 'choice',
          values: [...values],
          ...(fallback !== undefined ? { default: fallback } : {}),
        },
      },
    );
  },

  /** A seed, an integer in [0, 2^32): a fresh random one when absent (the config stores the one drawn). */
  seed(): OptionField<number> {
    return field((given, c) => {
      const value = given ?? Math.floor(Math.random() * 2 ** 32);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 32) {
        throw new OptionError(`${c.what} must be an integer in [0, 2^32), got ${previewJson(value)}`);
      }
      return value;
    });
  },

  /** A conditioner's hidden widths: a non-empty list of positive integers, `default` when absent. */
  hiddenSizes(settings: { default: readonly number[] }): OptionField<number[]> {
    const fallback = [...settings.default];
    return field(
      (given, c) => {
        const value = given ?? fallback;
        if (
          !Array.isArray(value) ||
          value.length === 0 ||
          !value.every((h) => typeof h === 'number' && Number.isInteger(h) && h > 0)
        ) {
          throw new OptionError(
            `${c.what} must be a non-empty list of positive integers, got ${previewJson(value)}`,
          );
        }
        return [...(value as number[])];
      },
      { fallback, input: { type: 'integers', default: [...fallback] } },
    );
  },

  /** A conditioner's hidden activation, one of {@link ACTIVATIONS}; default `relu`. */
  activation(settings: { default?: ActivationName } = {}): OptionField<ActivationName> {
    return option.oneOf(Object.keys(ACTIVATIONS) as ActivationName[], {
      default: settings.default ?? 'relu',
    });
  },

  /**
   * Per-element values of the event (option `eventShape` of the same declaration): a number for
   * every element or a row-major list, each passing `valid` (which may read other options);
   * `default` when absent. Saved as one number when all elements share it.
   */
  eventValues(settings: {
    default: number;
    valid?: (context: OptionContext) => { test: (v: number) => boolean; what: string };
  }): OptionField<number[]> {
    const { default: fallback, valid } = settings;
    return field(
      (given, c) =>
        checkEventValues(c.what, given ?? fallback, c.value<EventShape>('eventShape'), valid?.(c)),
      { save: eventValuesJson, fallback },
    );
  },

  /** A required {@link BijectorConfig} (`{name, options}`), saved as a plain copy. */
  bijectorConfig(): OptionField<BijectorConfig> {
    return field((value, c) => checkBijectorConfig(c.owner, value, `option '${c.key}'`), {
      save: configJson,
    });
  },

  /** A required non-empty list of {@link BijectorConfig}s, saved as plain copies. */
  bijectorConfigs(): OptionField<BijectorConfig[]> {
    return field(
      (value, c) => {
        if (!Array.isArray(value) || value.length === 0) {
          throw new OptionError(
            `${c.what} must be a non-empty list of bijector configs, got ${previewJson(value)}`,
          );
        }
        return value.map((v, i) => checkBijectorConfig(c.owner, v, `option '${c.key}[${i}]'`));
      },
      { save: (configs) => configs.map(configJson) },
    );
  },

  /**
   * Any other option: `read` checks the given value (`undefined` when absent); `save` gives its saved
   * form (default: a JSON copy, `undefined` left out); `default` is the default as the TSDoc states it.
   */
  custom<T>(settings: {
    read: (value: unknown, context: OptionContext) => T;
    save?: (value: T) => JsonValue | undefined;
    default?: string;
  }): OptionField<T> {
    return field(settings.read, {
      ...(settings.save ? { save: settings.save } : {}),
      ...(settings.default !== undefined ? { defaultText: settings.default } : {}),
    });
  },

  /**
   * `inner` when given, `undefined` (and left out of the config) when absent; `default` says in words
   * what absence means, as the TSDoc states it.
   */
  optional<T>(inner: OptionField<T>, settings: { default?: string } = {}): OptionField<T | undefined> {
    return {
      read: (value, context) => (value === undefined ? undefined : inner.read(value, context)),
      save: (value) => (value === undefined ? undefined : inner.save(value)),
      ...(settings.default !== undefined ? { defaultText: settings.default } : {}),
      ...(inner.input ? { input: withoutDefault(inner.input) } : {}),
    };
  },

  /** `inner` without a saved form: read and checked, but left out of the config (it is saved in another form). */
  unsaved<T>(inner: OptionField<T>): OptionField<T> {
    return {
      read: inner.read,
      save: () => undefined,
      ...(inner.defaultText ? { defaultText: inner.defaultText } : {}),
      ...(inner.input ? { input: inner.input } : {}),
    };
  },
};
