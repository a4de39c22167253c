import { FIELD_ACTIVATIONS, DEFAULT_FIXED_STEPS, type FieldActivationName } from '@bijective/cnf/pure';
import {
  OptionError,
  defineOptions,
  option,
  previewJson,
  type EventShape,
  type JsonObject,
  type ResolvedOptions,
} from '@bijective/core';

/** The conditional probability paths (and couplings) flow matching regresses onto. */
export const PROBABILITY_PATHS = ['ot', 'rectified', 'minibatch-ot'] as const;

/** Name of one of the {@link PROBABILITY_PATHS}. */
export type ProbabilityPath = (typeof PROBABILITY_PATHS)[number];

/** The distributions of the training times t: uniform, or logit-normal (Esser et al. 2024). */
export const TIME_SAMPLINGS = ['uniform', 'logit-normal'] as const;

/** Name of one of the {@link TIME_SAMPLINGS}. */
export type TimeSampling = (typeof TIME_SAMPLINGS)[number];

/** Options of the `flow-matching` flow; every one but `eventShape` is optional. */
export interface FlowMatchingOptions {
  /** Vector event shape `[d]` of the data. */
  eventShape: number[];
  /** Hidden widths of the concat-squash vector field; default [64, 64, 64]. */
  hidden?: number[];
  /** Hidden activation of the field; default `swish`. */
  activation?: FieldActivationName;
  /**
   * The conditional path and coupling: `ot` (Lipman et al. 2022's optimal-transport path, independent
   * pairs), `rectified` (straight lines, σ_min = 0, independent pairs: Liu et al. 2022) or
   * `minibatch-ot` (the `ot` path between pairs coupled by exact optimal transport on each batch:
   * Tong et al. 2023; O(n³) per batch of n: the recommended batch is 64); default `minibatch-ot`.
   */
  path?: ProbabilityPath;
  /**
   * Rows per exact assignment of the `minibatch-ot` coupling: a larger batch is coupled in blocks of
   * this many rows (its minibatch rows are already a random draw), at O(batch · otBlock²) instead of
   * O(batch³); default 128.
   */
  otBlock?: number;
  /** σ_min of the `ot` and `minibatch-ot` paths, the width left at t = 1 (0 ≤ σ_min < 1); default 1e-4. */
  sigmaMin?: number;
  /**
   * Distribution of the training times: `uniform` t ~ U(0, 1), or `logit-normal` t = σ(n), n ~ N(0, 1),
   * which puts more of the regression at mid-path (Esser et al. 2024); default `uniform`.
   */
  timeSampling?: TimeSampling;
  /**
   * Decay of the exponential moving average of the field's weights, used for sampling, densities
   * and saving (the trained weights keep the optimiser's); after update n the average moves by
   * 1 − min(ema, (1 + n)/(10 + n)), so it warms up; 0.999 is the usual choice. 0 disables it; default 0.
   */
  ema?: number;
  /** ODE solver of sampling and density solves (registry kind `odeSolver`); default `dopri5`. */
  solver?: string;
  /** Relative tolerance of the adaptive solver `dopri5`; default 1e-5. */
  rtol?: number;
  /** Absolute tolerance of the adaptive solver `dopri5`; default 1e-5. */
  atol?: number;
  /** Equal steps of a fixed-step solver (`euler`, `midpoint`, `rk4`) over t ∈ [0, 1]; default 8. */
  steps?: number;
  /** Context event shape of a conditional flow (the field's hypernetworks read [t, c, 1]); default none. */
  contextShape?: number[];
  /**
   * Probability that a training row's context is replaced by the null context ∅ (classifier-free
   * guidance, Ho & Salimans 2022), so that sampling can use v = (1 + w) v(x|c) − w v(x|∅); default 0.1.
   */
  contextDropout?: number;
  /** Start as the identity map (zero output layer); default true. */
  identityInit?: boolean;
  /** Seed of the initialisation; random when absent (the config keeps it). */
  seed?: number;
}

/** The solvers that take `rtol`/`atol`. */
const ADAPTIVE_SOLVERS: readonly string[] = ['dopri5'];
/** The first-party fixed-step solvers, which take `steps`. */
const FIXED_STEP_SOLVERS: readonly string[] = ['euler', 'midpoint', 'rk4'];

/** A tolerance: a number for `dopri5` (default 1e-5), refused for other solvers (null). */
function tolerance(atMost?: number) {
  return option.custom<number | null>({
    read: (value, c) => {
      const solver = c.value<string>('solver');
      if (!ADAPTIVE_SOLVERS.includes(solver)) {
        if (value !== undefined) {
          throw new OptionError(
            `${c.what} applies to the adaptive solver dopri5, not '${solver}'; a fixed-step solver takes 'steps'`,
          );
        }
        return null;
      }
      const v = value ?? 1e-5;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (atMost !== undefined && v > atMost)) {
        throw new OptionError(
          `${c.what} must be a finite number > 0${atMost !== undefined ? ` and <= ${atMost}` : ''}, got ${previewJson(value)}`,
        );
      }
      return v;
    },
    save: (v) => (v === null ? undefined : v),
    default: '1e-5',
  });
}

/** The declaration of {@link FlowMatchingOptions}: keys, defaults, checks and saved form. */
export const FLOW_MATCHING_SCHEMA = defineOptions('flow-matching', {
  eventShape: option.vectorShape(),
  hidden: option.hiddenSizes({ default: [64, 64, 64] }),
  activation: option.oneOf(Object.keys(FIELD_ACTIVATIONS) as FieldActivationName[], { default: 'swish' }),
  path: option.oneOf(PROBABILITY_PATHS, { default: 'minibatch-ot' }),
  otBlock: option.integer({ default: 128, min: 2 }),
  sigmaMin: option.custom<number>({
    read: (value, c) => {
      if (c.value<ProbabilityPath>('path') === 'rectified') {
        if (value !== undefined && value !== 0) {
          throw new OptionError(
            `${c.what} does not apply to the rectified path (straight lines between the pairs, σ_min = 0); use path 'ot'`,
          );
        }
        return 0;
      }
      const v = value ?? 1e-4;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
        throw new OptionError(`${c.what} must be a finite number >= 0 and < 1, got ${previewJson(value)}`);
      }
      return v;
    },
    default: '1e-4',
  }),
  solver: option.custom<string>({
    read: (value, c) => {
      const v = value ?? 'dopri5';
      if (typeof v !== 'string' || v.length === 0) {
        throw new OptionError(
          `${c.what} must be a registry name (a non-empty string), got ${previewJson(value)}`,
        );
      }
      return v;
    },
    default: '`dopri5`',
  }),
  rtol: tolerance(1),
  atol: tolerance(),
  steps: option.custom<number | null>({
    read: (value, c) => {
      const solver = c.value<string>('solver');
      if (!FIXED_STEP_SOLVERS.includes(solver)) {
        if (value !== undefined) {
          throw new OptionError(
            `${c.what} applies to the fixed-step solvers (${FIXED_STEP_SOLVERS.join(', ')}), not '${solver}'`,
          );
        }
        return null;
      }
      const v = value ?? DEFAULT_FIXED_STEPS;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100_000) {
        throw new OptionError(`${c.what} must be an integer from 1 to 100000, got ${previewJson(value)}`);
      }
      return v;
    },
    save: (v) => (v === null ? undefined : v),
    default: String(DEFAULT_FIXED_STEPS),
  }),
  timeSampling: option.oneOf(TIME_SAMPLINGS, { default: 'uniform' }),
  ema: option.number({ default: 0, atLeast: 0, atMost: 0.9999 }),
  contextShape: option.contextShape(),
  contextDropout: option.number({ default: 0.1, atLeast: 0, atMost: 0.9 }),
  identityInit: option.boolean({ default: true }),
  seed: option.seed(),
});

/** Validated {@link FlowMatchingOptions} with every default filled in. */
export type ResolvedFlowMatchingOptions = ResolvedOptions<(typeof FLOW_MATCHING_SCHEMA)['fields']> & {
  eventShape: [number];
  contextShape: EventShape | null;
};

/** The options handed to the solver's factory: tolerances for `dopri5`, steps for the fixed-step ones. */
export function solverOptionsOf(r: ResolvedFlowMatchingOptions): JsonObject {
  if (r.rtol !== null && r.atol !== null) return { rtol: r.rtol, atol: r.atol, maxSteps: 2000 };
  if (r.steps !== null) return { steps: r.steps };
  return {};
}
