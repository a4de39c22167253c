import {
  OptionError,
  optionRecord,
  readBoolean,
  readContextShape,
  readEventShape,
  readHiddenSizes,
  readInteger,
  readNumber,
  readSeed,
  type EventShape,
  type JsonObject,
  type OptionRecord,
} from '@bijective/core';
import { FIELD_ACTIVATIONS, type FieldActivationName } from './activations.js';
import type { GradientMethod } from './cnf-solve.js';

/** Options of the `ffjord` flow; every one but `eventShape` has a default (see {@link FFJORD_DEFAULTS}). */
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
  /** Further options of the solver's factory, e.g. `{ steps: 8 }` for `rk4` (default) or `{ maxSteps: 500 }`. */
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
  /** Weight λ_K of RNODE's kinetic energy ∫‖f‖² dt in the training objective (Finlay et al. 2020); default 0. */
  kinetic?: number;
  /** Weight λ_J of RNODE's Jacobian Frobenius norm ∫‖∂f/∂z‖²_F dt in the training objective; default 0. */
  jacobianNorm?: number;
  /** Context event shape of a conditional CNF (the field's hypernetworks read [t, context]); default none. */
  contextShape?: number[];
  /** Start as the identity map (zero output layer); default true. */
  identityInit?: boolean;
  /** Seed of the initialisation, the probes and the augmentation noise; random when absent (the config keeps it). */
  seed?: number;
}

/** The defaults of {@link FfjordOptions}. */
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

/** The solvers that take `rtol`/`atol`. */
const ADAPTIVE_SOLVERS = ['dopri5'];
/** The first-party fixed-step solvers, which get {@link DEFAULT_FIXED_STEPS} unless told otherwise. */
const FIXED_STEP_SOLVERS = ['euler', 'midpoint', 'rk4'];

/** The option keys `ffjord` accepts. */
export const FFJORD_KEYS: readonly string[] = [
  'eventShape',
  'hidden',
  'activation',
  'layers',
  'solver',
  'rtol',
  'atol',
  'solverOptions',
  'estimator',
  'estimatorOptions',
  'evaluationEstimator',
  'gradient',
  'integrationTime',
  'learnIntegrationTime',
  'augment',
  'kinetic',
  'jacobianNorm',
  'contextShape',
  'identityInit',
  'seed',
];

/** Validated {@link FfjordOptions} with every default filled in. */
export interface ResolvedFfjordOptions {
  /** `[d]`. */
  eventShape: [number];
  /** Hidden widths. */
  hidden: number[];
  /** Field activation. */
  activation: FieldActivationName;
  /** CNF blocks. */
  layers: number;
  /** Solver name. */
  solver: string;
  /** The options handed to the solver's factory (tolerances and defaults merged in). */
  solverOptions: JsonObject;
  /** rtol (adaptive solvers) or null. */
  rtol: number | null;
  /** atol (adaptive solvers) or null. */
  atol: number | null;
  /** Training estimator name. */
  estimator: string;
  /** Training estimator's options. */
  estimatorOptions: JsonObject;
  /** Evaluation estimator name. */
  evaluationEstimator: string;
  /** Gradient method. */
  gradient: GradientMethod;
  /** Initial (or fixed) T. */
  integrationTime: number;
  /** Whether T is learned. */
  learnIntegrationTime: boolean;
  /** Augmented dimensions. */
  augment: number;
  /** λ_K. */
  kinetic: number;
  /** λ_J. */
  jacobianNorm: number;
  /** Context shape or null. */
  contextShape: EventShape | null;
  /** Identity initialisation. */
  identityInit: boolean;
  /** Seed. */
  seed: number;
}

function readString(record: OptionRecord, key: string, fallback: string): string {
  const value = record[key] ?? fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new OptionError(
      `ffjord: option '${key}' must be a registry name (a non-empty string), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function readJsonObject(record: OptionRecord, key: string): JsonObject {
  const value = record[key] ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionError(
      `ffjord: option '${key}' must be an object of options, got ${JSON.stringify(value)}`,
    );
  }
  return { ...(value as JsonObject) };
}

/** The solver options: rtol/atol for adaptive solvers, a step count for the fixed-step ones. */
function resolveSolverOptions(
  record: OptionRecord,
  solver: string,
): { solverOptions: JsonObject; rtol: number | null; atol: number | null } {
  const solverOptions = readJsonObject(record, 'solverOptions');
  if (ADAPTIVE_SOLVERS.includes(solver)) {
    const rtol = readNumber('ffjord', record, 'rtol', FFJORD_DEFAULTS.rtol, { above: 0, atMost: 1 });
    const atol = readNumber('ffjord', record, 'atol', FFJORD_DEFAULTS.atol, { above: 0 });
    return { solverOptions: { maxSteps: 1000, ...solverOptions, rtol, atol }, rtol, atol };
  }
  for (const key of ['rtol', 'atol']) {
    if (record[key] !== undefined) {
      throw new OptionError(
        `ffjord: option '${key}' applies to adaptive solvers (${ADAPTIVE_SOLVERS.join(', ')}), not '${solver}'; a fixed-step solver takes solverOptions { steps } or { step }`,
      );
    }
  }
  const fixed =
    FIXED_STEP_SOLVERS.includes(solver) &&
    solverOptions.steps === undefined &&
    solverOptions.step === undefined;
  return {
    solverOptions: fixed ? { ...solverOptions, steps: DEFAULT_FIXED_STEPS } : solverOptions,
    rtol: null,
    atol: null,
  };
}

/** Reads and checks `ffjord`'s options; a bad one throws an OptionError or ShapeError naming it. */
export function resolveFfjordOptions(options: unknown): ResolvedFfjordOptions {
  const record = optionRecord('ffjord', options, FFJORD_KEYS);
  const eventShape = readEventShape('ffjord', record, true) as [number];
  const activation = record.activation ?? FFJORD_DEFAULTS.activation;
  if (typeof activation !== 'string' || !Object.hasOwn(FIELD_ACTIVATIONS, activation)) {
    throw new OptionError(
      `ffjord: option 'activation' must be one of ${Object.keys(FIELD_ACTIVATIONS).join(', ')}, got ${JSON.stringify(activation)}`,
    );
  }
  const gradient = record.gradient ?? FFJORD_DEFAULTS.gradient;
  if (gradient !== 'adjoint' && gradient !== 'backprop') {
    throw new OptionError(
      `ffjord: option 'gradient' must be 'adjoint' or 'backprop', got ${JSON.stringify(gradient)}`,
    );
  }
  const solver = readString(record, 'solver', FFJORD_DEFAULTS.solver);
  return {
    eventShape,
    hidden: readHiddenSizes('ffjord', record, FFJORD_DEFAULTS.hidden),
    activation: activation as FieldActivationName,
    layers: readInteger('ffjord', record, 'layers', FFJORD_DEFAULTS.layers, 1),
    solver,
    ...resolveSolverOptions(record, solver),
    estimator: readString(record, 'estimator', FFJORD_DEFAULTS.estimator),
    estimatorOptions: readJsonObject(record, 'estimatorOptions'),
    evaluationEstimator: readString(record, 'evaluationEstimator', FFJORD_DEFAULTS.evaluationEstimator),
    gradient,
    integrationTime: readNumber('ffjord', record, 'integrationTime', FFJORD_DEFAULTS.integrationTime, {
      above: 0,
    }),
    learnIntegrationTime: readBoolean(
      'ffjord',
      record,
      'learnIntegrationTime',
      FFJORD_DEFAULTS.learnIntegrationTime,
    ),
    augment: readInteger('ffjord', record, 'augment', FFJORD_DEFAULTS.augment, 0),
    kinetic: readNumber('ffjord', record, 'kinetic', FFJORD_DEFAULTS.kinetic, { atLeast: 0 }),
    jacobianNorm: readNumber('ffjord', record, 'jacobianNorm', FFJORD_DEFAULTS.jacobianNorm, { atLeast: 0 }),
    contextShape: readContextShape('ffjord', record),
    identityInit: readBoolean('ffjord', record, 'identityInit', FFJORD_DEFAULTS.identityInit),
    seed: readSeed('ffjord', record),
  };
}

/** The resolved options as the JSON of a saved config (tolerances only for adaptive solvers). */
export function ffjordOptionsJson(r: ResolvedFfjordOptions): JsonObject {
  const { rtol: _rtol, atol: _atol, ...solverOptions } = r.solverOptions;
  return {
    eventShape: [...r.eventShape],
    hidden: [...r.hidden],
    activation: r.activation,
    layers: r.layers,
    solver: r.solver,
    ...(r.rtol !== null ? { rtol: r.rtol } : {}),
    ...(r.atol !== null ? { atol: r.atol } : {}),
    solverOptions,
    estimator: r.estimator,
    estimatorOptions: { ...r.estimatorOptions },
    evaluationEstimator: r.evaluationEstimator,
    gradient: r.gradient,
    integrationTime: r.integrationTime,
    learnIntegrationTime: r.learnIntegrationTime,
    augment: r.augment,
    kinetic: r.kinetic,
    jacobianNorm: r.jacobianNorm,
    ...(r.contextShape ? { contextShape: [...r.contextShape] } : {}),
    identityInit: r.identityInit,
    seed: r.seed,
  };
}
