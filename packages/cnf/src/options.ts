import {
  OptionError,
  defaultText,
  defineOptions,
  option,
  previewJson,
  type JsonObject,
  type NumberRange,
  type OptionField,
  type ResolvedOptions,
} from '@bijective/core';
import { FIELD_ACTIVATIONS, type FieldActivationName } from './activations.js';
import type { GradientMethod } from './cnf-solve.js';

/** Options of the `ffjord` flow (declared by {@link FFJORD_OPTIONS}); only `eventShape` is required. */
export interface FfjordOptions {
  /** Vector event shape `[d]` of the data. */
  eventShape: number[];
  /** Hidden widths of each block's concat-squash vector field; default [64, 64, 64]. */
  hidden?: number[];
  /** Hidden activation of the field (second-order exact); default `tanh`. */
  activation?: FieldActivationName;
  /** CNF blocks in sequence, each with its own field and integration time; default 1. */
  layers?: number;
  /** ODE solver (registry kind `odeSolver`); default `dopri5`. */
  solver?: string;
  /** Relative tolerance of an adaptive solver (`dopri5`); default 1e-5. */
  rtol?: number;
  /** Absolute tolerance of an adaptive solver (`dopri5`); default 1e-5. */
  atol?: number;
  /** Further options of the solver's factory: `{ steps }` or `{ step }` of a fixed-step solver (8 steps when neither is given), `{ maxSteps }` of `dopri5` (1000 when absent). */
  solverOptions?: JsonObject;
  /** Trace estimator of training calls (registry kind `traceEstimator`); default `hutchinson-rademacher`. */
  estimator?: string;
  /** Options of the training estimator's factory, e.g. `{ probes: 2 }`. */
  estimatorOptions?: JsonObject;
  /** Trace estimator of evaluation calls (densities, samples, conformance); default `exact`. */
  evaluationEstimator?: string;
  /** Gradients by the adjoint method (O(1) memory in the steps) or by backpropagation through the solver; default `backprop`. */
  gradient?: GradientMethod;
  /** Integration time T of each block (its initial value when learned); default 0.5. */
  integrationTime?: number;
  /** Learn each block's T (as T = s², FFJORD's parametrisation); default true. */
  learnIntegrationTime?: boolean;
  /** Zero-initialised dimensions added to the state (augmented neural ODE, Dupont et al. 2019); default 0. */
  augment?: number;
  /**
   * Weight λ_K of RNODE's kinetic energy in the training objective (Finlay et al. 2020), measured in the
   * solver's frame s = t/T: ∫₀¹‖dz/ds‖² ds = ∫₀¹‖T f‖² ds = T ∫₀ᵀ‖f‖² dt, which a learned T cannot
   * lower without changing the dynamics the solver integrates (Finlay et al.'s ∫‖f‖² dt at T = 1); default 0.
   */
  kinetic?: number;
  /**
   * Weight λ_J of RNODE's Jacobian Frobenius norm in the training objective, in the solver's frame like
   * `kinetic`: ∫₀¹‖∂(T f)/∂z‖²_F ds = T ∫₀ᵀ‖∂f/∂z‖²_F dt (Hutchinson's estimate with the trace's probe); default 0.
   */
  jacobianNorm?: number;
  /** Context event shape of a conditional CNF (the field's hypernetworks read [t, context]); default none. */
  contextShape?: number[];
  /** Start as the identity map (zero output layer); default true. */
  identityInit?: boolean;
  /** Seed of the initialisation, the probes and the augmentation noise; random when absent (the config keeps it). */
  seed?: number;
}

/** The fixed fallbacks of {@link FfjordOptions}, as {@link FFJORD_OPTIONS} fills them in. */
export const FFJORD_DEFAULTS = {
  hidden: [64, 64, 64],
  activation: 'tanh',
  layers: 1,
  solver: 'dopri5',
  rtol: 1e-5,
  atol: 1e-5,
  estimator: 'hutchinson-rademacher',
  evaluationEstimator: 'exact',
  gradient: 'backprop',
  integrationTime: 0.5,
  learnIntegrationTime: true,
  augment: 0,
  kinetic: 0,
  jacobianNorm: 0,
  identityInit: true,
} as const;

/** Steps per solve of a fixed-step solver when `solverOptions` does not say. */
export const DEFAULT_FIXED_STEPS = 8;

/** The step limit of an adaptive solver when `solverOptions` does not say. */
const DEFAULT_MAX_STEPS = 1000;

/** The solvers that take `rtol`/`atol`. */
const ADAPTIVE_SOLVERS = ['dopri5'];
/** The first-party fixed-step solvers, which get {@link DEFAULT_FIXED_STEPS} unless told otherwise. */
const FIXED_STEP_SOLVERS = ['euler', 'midpoint', 'rk4'];

/** A registry name (a non-empty string), `fallback` when absent. */
function registryName(fallback: string): OptionField<string> {
  return option.custom({
    read: (given, c) => {
      const value = given ?? fallback;
      if (typeof value !== 'string' || value.length === 0) {
        throw new OptionError(
          `${c.what} must be a registry name (a non-empty string), got ${previewJson(value)}`,
        );
      }
      return value;
    },
    default: defaultText(fallback),
  });
}

/** An object of options handed to a factory (copied), `{}` when absent. */
function factoryOptions(): OptionField<JsonObject> {
  return option.custom({
    read: (given, c) => {
      const value = given ?? {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new OptionError(`${c.what} must be an object of options, got ${previewJson(value)}`);
      }
      return { ...(value as JsonObject) };
    },
  });
}

/** A tolerance of an adaptive solver (option `solver`): `fallback` when absent; null (and unsaved) for another solver, which must not be given one. */
function tolerance(range: NumberRange, fallback: number): OptionField<number | null> {
  const adaptive = option.number({ ...range, default: fallback });
  return option.custom({
    read: (given, c) => {
      const solver = c.value<string>('solver');
      if (ADAPTIVE_SOLVERS.includes(solver)) return adaptive.read(given, c);
      if (given !== undefined) {
        throw new OptionError(
          `${c.what} applies to adaptive solvers (${ADAPTIVE_SOLVERS.join(', ')}), not '${solver}'; a fixed-step solver takes solverOptions { steps } or { step }`,
        );
      }
      return null;
    },
    save: (value) => (value === null ? undefined : value),
    default: defaultText(fallback),
  });
}

/**
 * The options of `ffjord`, declared once in config order: read and checked by {@link resolveFfjordOptions},
 * saved by {@link ffjordOptionsJson}, listed by the registry entry (`schema`).
 */
export const FFJORD_OPTIONS = defineOptions('ffjord', {
  eventShape: option.vectorShape(),
  hidden: option.hiddenSizes({ default: FFJORD_DEFAULTS.hidden }),
  activation: option.oneOf(Object.keys(FIELD_ACTIVATIONS) as FieldActivationName[], {
    default: FFJORD_DEFAULTS.activation,
  }),
  layers: option.count({ default: FFJORD_DEFAULTS.layers }),
  solver: registryName(FFJORD_DEFAULTS.solver),
  rtol: tolerance({ above: 0, atMost: 1 }, FFJORD_DEFAULTS.rtol),
  atol: tolerance({ above: 0 }, FFJORD_DEFAULTS.atol),
  // Resolved: the options handed to the solver's factory (tolerances and step defaults merged in);
  // saved without the tolerances, which have their own keys.
  solverOptions: option.custom({
    read: (given, c): JsonObject => {
      const solverOptions = factoryOptions().read(given, c);
      const solver = c.value<string>('solver');
      if (ADAPTIVE_SOLVERS.includes(solver)) {
        const rtol = c.value<number>('rtol');
        const atol = c.value<number>('atol');
        return { maxSteps: DEFAULT_MAX_STEPS, ...solverOptions, rtol, atol };
      }
      const fixed =
        FIXED_STEP_SOLVERS.includes(solver) &&
        solverOptions.steps === undefined &&
        solverOptions.step === undefined;
      return fixed ? { ...solverOptions, steps: DEFAULT_FIXED_STEPS } : solverOptions;
    },
    save: (value) => {
      const { rtol: _rtol, atol: _atol, ...rest } = value;
      return JSON.parse(JSON.stringify(rest)) as JsonObject;
    },
  }),
  estimator: registryName(FFJORD_DEFAULTS.estimator),
  estimatorOptions: factoryOptions(),
  evaluationEstimator: registryName(FFJORD_DEFAULTS.evaluationEstimator),
  gradient: option.oneOf(['adjoint', 'backprop'] as GradientMethod[], { default: FFJORD_DEFAULTS.gradient }),
  integrationTime: option.number({ above: 0, default: FFJORD_DEFAULTS.integrationTime }),
  learnIntegrationTime: option.boolean({ default: FFJORD_DEFAULTS.learnIntegrationTime }),
  augment: option.integer({ min: 0, default: FFJORD_DEFAULTS.augment }),
  kinetic: option.number({ atLeast: 0, default: FFJORD_DEFAULTS.kinetic }),
  jacobianNorm: option.number({ atLeast: 0, default: FFJORD_DEFAULTS.jacobianNorm }),
  contextShape: option.contextShape(),
  identityInit: option.boolean({ default: FFJORD_DEFAULTS.identityInit }),
  seed: option.seed(),
});

/** Validated {@link FfjordOptions} with every default filled in. */
export type ResolvedFfjordOptions = ResolvedOptions<typeof FFJORD_OPTIONS.fields>;

/** Reads and checks `ffjord`'s options; a bad one throws an OptionError or ShapeError naming it. */
export function resolveFfjordOptions(options: unknown): ResolvedFfjordOptions {
  return FFJORD_OPTIONS.read(options);
}

/** The resolved options as the JSON of a saved config (tolerances only for adaptive solvers). */
export function ffjordOptionsJson(r: ResolvedFfjordOptions): JsonObject {
  return FFJORD_OPTIONS.toConfig(r);
}

/** The option keys `ffjord` accepts, in config order. */
export const FFJORD_KEYS: readonly string[] = FFJORD_OPTIONS.keys;
