import type { Bijector, BijectorConfig } from './bijector.js';
import type { BaseDistribution } from './distributions/distribution.js';
import { RegistryError } from './errors.js';
import type { BackendProvider } from './backend.js';
import type { OptionSchema } from './options/schema.js';
import type { Target } from './target.js';

/**
 * Options of every registered bijector or flow, by registry name. Packages add names by
 * declaration merging: `declare module '@bijective/core' { interface BijectorOptionsMap { 'acme/x': XOptions } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BijectorOptionsMap {}

/** Options of every registered base distribution, by registry name (extend by declaration merging). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DistributionOptionsMap {}

/** Options of every registered backend, by registry name (extend by declaration merging). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BackendOptionsMap {}

/** Options of every registered target (unnormalised log-density), by registry name (extend by declaration merging). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TargetOptionsMap {}

/**
 * The registry's kinds: for each, the map from names to option types and the type the factory
 * builds. Packages add kinds by declaration merging (`dataset`, `odeSolver`, `traceEstimator`).
 */
export interface RegistryKinds {
  /** Bijectors and whole flows (tagged `flow`). */
  bijector: { options: BijectorOptionsMap; product: Bijector };
  /** Base distributions. */
  distribution: { options: DistributionOptionsMap; product: BaseDistribution };
  /** tfjs backends. */
  backend: { options: BackendOptionsMap; product: BackendProvider };
  /** Unnormalised log-densities for variational fitting (reverse KL). */
  target: { options: TargetOptionsMap; product: Target };
}

/** A registry kind's name. */
export type RegistryKind = keyof RegistryKinds & string;
/** The name -> options map of a kind. */
export type OptionsMapOf<K extends RegistryKind> = RegistryKinds[K] extends { options: infer M } ? M : never;
/** What a kind's factories build. */
export type ProductOf<K extends RegistryKind> = RegistryKinds[K] extends { product: infer P } ? P : never;
/** The names registered (at compile time) under a kind. */
export type NameOf<K extends RegistryKind> = keyof OptionsMapOf<K> & string;
/** The options type of one name of a kind. */
export type OptionsOf<K extends RegistryKind, N extends NameOf<K>> = OptionsMapOf<K>[N];

/** A complete flow's recommended training setup: what `bijective train` uses where its flags are absent. */
export interface RecommendedSettings {
  /** Base distribution (a registered distribution name), e.g. `gaussian-mixture`. */
  readonly base?: string;
  /** Adam's base learning rate. */
  readonly learningRate?: number;
  /** Minibatch size. */
  readonly batchSize?: number;
  /** Training steps. */
  readonly steps?: number;
  /**
   * Steps between validation passes on large data (a positive integer); absent: max(10, steps/40).
   * Flows whose every density is an ODE solve recommend a sparser cadence (FFJORD: 200).
   */
  readonly validationEvery?: number;
  /** Linear learning-rate warm-up steps at the start (a positive integer); absent: none. Glow: 100. */
  readonly warmupSteps?: number;
  /**
   * Rows of the validation split that validation passes and the reported validation NLL score (the
   * first ones, a positive integer); absent: all. Glow: 2000 images (a pass over 6000 would cost as much
   * as about 40 training steps).
   */
  readonly validationRows?: number;
}

/** Checks a flow's recommended settings at registration: a bad value is the plugin's bug, named here. */
function checkRecommended(name: string, recommended: RecommendedSettings | undefined): void {
  if (recommended === undefined) return;
  const positive = (key: keyof RecommendedSettings, integer: boolean) => {
    const value = recommended[key];
    if (value === undefined) return;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value <= 0 ||
      (integer && !Number.isInteger(value))
    ) {
      throw new RegistryError(
        `register: bijector '${name}' recommends ${key} = ${String(value)}; it must be a positive ${integer ? 'integer' : 'number'}`,
      );
    }
  };
  positive('learningRate', false);
  positive('batchSize', true);
  positive('steps', true);
  positive('validationEvery', true);
  positive('warmupSteps', true);
  positive('validationRows', true);
  if (recommended.base !== undefined && (typeof recommended.base !== 'string' || recommended.base === '')) {
    throw new RegistryError(`register: bijector '${name}' recommends an empty base distribution name`);
  }
}

/** One registration: a factory with a description, optional tags and a conformance example. */
export interface RegistryEntry<O, P> {
  /** One line shown by listings and `bijective list`. */
  readonly description: string;
  /** Builds the component; must validate its options and throw an {@link OptionError} naming the bad one. */
  create(options: O): P;
  /** Representative options for an event of `eventSize` scalars, used by the conformance kit (required for bijectors). */
  example?(eventSize: number): O;
  /** Free-form tags, e.g. `flow` for complete flow architectures. */
  readonly tags?: readonly string[];
  /** For complete flows: the recommended training setup (the CLI's defaults for this flow). */
  readonly recommended?: RecommendedSettings;
  /**
   * The options' declaration ({@link defineOptions}), when the component has one: tools list its
   * keys and defaults from it, and a test checks the options type's TSDoc against it.
   */
  readonly schema?: OptionSchema;
}

/** A registry entry as listed: its kind, name, description and tags. */
export interface RegistryListing {
  /** The kind the entry belongs to. */
  kind: string;
  /** The registry name. */
  name: string;
  /** One-line description. */
  description: string;
  /** Tags given at registration. */
  tags: readonly string[];
}

type AnyEntry = RegistryEntry<unknown, unknown>;
const REGISTRY_KEY = Symbol.for('@bijective/registry');

/** The process-wide table, kept on `globalThis` so that two copies of this package share it (as tfjs does). */
function table(): Map<string, Map<string, AnyEntry>> {
  const holder = globalThis as { [REGISTRY_KEY]?: Map<string, Map<string, AnyEntry>> };
  holder[REGISTRY_KEY] ??= new Map();
  return holder[REGISTRY_KEY];
}

function kindTable(kind: string): Map<string, AnyEntry> {
  const t = table();
  let entries = t.get(kind);
  if (!entries) {
    entries = new Map();
    t.set(kind, entries);
  }
  return entries;
}

/**
 * Registers a component under `kind`/`name`: the one public call every package, first- or
 * third-party, uses. A second registration of a name fails unless `replace` is set.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { BaseBijector, create, register, useBackend, type BijectorConfig, type ValueAndLogDet } from '@bijective/core';
 * import '@bijective/backend-cpu';
 *
 * interface ShiftByOptions {
 *   eventShape: number[];
 *   by: number;
 * }
 *
 * // y = x + by: a bijector of a third-party package (volume-preserving, log|det J| = 0).
 * class ShiftBy extends BaseBijector {
 *   readonly name = 'acme/shift-by';
 *   constructor(readonly options: ShiftByOptions) {
 *     super({ eventShape: options.eventShape });
 *   }
 *   getConfig(): BijectorConfig {
 *     return { name: this.name, options: { eventShape: [...this.eventShape], by: this.options.by } };
 *   }
 *   protected computeForward(x: tf.Tensor): ValueAndLogDet {
 *     return { value: tf.add(x, this.options.by), logDet: tf.zeros([x.shape[0] as number]) };
 *   }
 *   protected computeInverse(y: tf.Tensor): ValueAndLogDet {
 *     return { value: tf.sub(y, this.options.by), logDet: tf.zeros([y.shape[0] as number]) };
 *   }
 * }
 *
 * // Declaration merging: `create('bijector', 'acme/shift-by', ...)` is now type-checked.
 * declare module '@bijective/core' {
 *   interface BijectorOptionsMap {
 *     'acme/shift-by': ShiftByOptions;
 *   }
 * }
 *
 * register('bijector', 'acme/shift-by', {
 *   description: 'y = x + by',
 *   create: (options) => new ShiftBy(options),
 *   example: (d) => ({ eventShape: [d], by: 0.5 }), // what the conformance kit builds
 * });
 *
 * await useBackend('cpu');
 * const shift = create('bijector', 'acme/shift-by', { eventShape: [2], by: 3 });
 * console.log(shift.forward(tf.zeros([1, 2])).arraySync()); // [[3, 3]]
 * ```
 */
export function register<K extends RegistryKind, N extends NameOf<K>>(
  kind: K,
  name: N,
  entry: RegistryEntry<OptionsOf<K, N>, ProductOf<K>>,
  options: { replace?: boolean } = {},
): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new RegistryError(`register: ${kind} name must be a non-empty string`);
  const entries = kindTable(kind);
  if (entries.has(name) && !options.replace) {
    throw new RegistryError(
      `register: ${kind} '${name}' is already registered (pass { replace: true } to replace it)`,
    );
  }
  if (kind === 'bijector' && typeof entry.example !== 'function') {
    throw new RegistryError(
      `register: bijector '${name}' needs an example(eventSize) for the conformance kit`,
    );
  }
  checkRecommended(name, entry.recommended);
  entries.set(name, entry as AnyEntry);
}

/** Removes a registration; returns whether it existed. */
export function unregister(kind: RegistryKind, name: string): boolean {
  return kindTable(kind).delete(name);
}

/** True when `kind`/`name` is registered. */
export function isRegistered(kind: RegistryKind, name: string): boolean {
  return kindTable(kind).has(name);
}

/** Returns the entry for `kind`/`name`, or throws a {@link RegistryError} listing the known names. */
export function getEntry<K extends RegistryKind>(
  kind: K,
  name: string,
): RegistryEntry<unknown, ProductOf<K>> {
  const entry = kindTable(kind).get(name);
  if (!entry) {
    const known = [...kindTable(kind).keys()].sort();
    throw new RegistryError(
      `unknown ${kind} '${name.length > 80 ? `${name.slice(0, 80)}…` : name}'; known: ${known.length ? known.join(', ') : '(none registered: import the package that provides it)'}`,
    );
  }
  return entry as RegistryEntry<unknown, ProductOf<K>>;
}

/**
 * Builds a registered component; name and options are checked by the compiler.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { create, useBackend } from '@bijective/core';
 * import '@bijective/coupling'; // registers 'nice' and 'realnvp' with their option types
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const realnvp = create('bijector', 'realnvp', { eventShape: [2], layers: 4, hidden: [32, 32] });
 * const base = create('distribution', 'standard-normal', { eventShape: [2] });
 * console.log(realnvp.fastDirection, base.logProb(tf.zeros([1, 2])).arraySync()); // 'both' [-1.8379]
 * // create('bijector', 'realnvp', { eventShape: [2], layer: 4 }) does not compile (and throws an OptionError).
 * ```
 */
export function create<K extends RegistryKind, N extends NameOf<K>>(
  kind: K,
  name: N,
  options: OptionsOf<K, N>,
): ProductOf<K> {
  return getEntry(kind, name).create(options);
}

/**
 * Builds a component from a name known only at run time (CLI flags, model files); unknown names
 * throw a {@link RegistryError} listing the known ones and the factory validates the options.
 */
export function createByName<K extends RegistryKind>(kind: K, name: string, options: unknown): ProductOf<K> {
  const entry = getEntry(kind, name);
  creationCheck?.(kind, name);
  return entry.create(options);
}

let creationCheck: ((kind: string, name: string) => void) | undefined;

/**
 * Runs `build` with `check(kind, name)` called before every {@link createByName} inside it, nested
 * configs included (the model loader's budget on what rebuilding a saved flow may allocate); a
 * throwing check aborts the build before that component is created.
 * @internal
 */
export function withCreationCheck<T>(check: (kind: string, name: string) => void, build: () => T): T {
  const previous = creationCheck;
  creationCheck = check;
  try {
    return build();
  } finally {
    creationCheck = previous;
  }
}

/** Rebuilds a bijector from its saved {@link BijectorConfig}. */
export function createBijector(config: BijectorConfig): Bijector {
  return createByName('bijector', config.name, config.options);
}

/** Lists what is registered under `kind` (every kind when omitted), optionally only entries with `tag`, sorted by name. */
export function listRegistered(kind?: string, tag?: string): RegistryListing[] {
  const kinds = kind === undefined ? [...table().keys()] : [kind];
  return kinds
    .flatMap((k) =>
      [...kindTable(k).entries()].map(([name, e]) => ({
        kind: k,
        name,
        description: e.description,
        tags: e.tags ?? [],
      })),
    )
    .filter((l) => tag === undefined || l.tags.includes(tag))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}
