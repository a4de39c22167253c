import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, type SamplerState } from '@bijective/core';

/** Adam's state: the step count t and each trainable variable's moments (null before its first update). */
export interface AdamState {
  /** Updates applied so far. */
  t: number;
  /** Rescaled first and second moments per trainable variable, in order. */
  moments: ({ m: Float32Array; v: Float32Array } | null)[];
}

/**
 * Everything {@link fit} needs to continue a run exactly where it stopped: the step, every
 * variable's value, Adam's moments, the minibatch stream's position (fit's only randomness) and
 * the best-validation record. Host arrays only, so it can be written to disk.
 */
export interface FitState {
  /** Steps completed. */
  step: number;
  /** Values of the flow's variables (`flow.variables` order). */
  weights: Float32Array[];
  /** The optimiser's state. */
  optimiser: AdamState;
  /** The minibatch stream's position. */
  sampler: SamplerState;
  /** Best validation NLL so far, its step and its weights, or null. */
  best: { nll: number; step: number; weights: Float32Array[] } | null;
  /** Validation passes since the best one. */
  sinceImprovement: number;
  /** Training loss of the last step run. */
  finalLoss: number;
  /** Wall-clock seconds of the run so far (a resumed run on a time budget without `steps` continues from it). */
  seconds?: number;
}

/**
 * When and how {@link fit} hands out its state: `due(step)` after each completed step, then `save` if true.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fit, type FitState } from '@bijective/train';
 * import '@bijective/coupling';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const data = tf.randomNormal([500, 2], 0, 1, 'float32', 1);
 * const newFlow = () => new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'realnvp', { eventShape: [2], layers: 2, hidden: [8], seed: 3 }));
 * let saved: FitState | undefined;
 * const full = fit(newFlow(), data, { steps: 40, seed: 1, checkpoint: { due: (step) => step === 20, save: (s) => (saved = s) } });
 * // Later, on a fresh flow built the same way: continues at step 20 and ends as the run above did.
 * const resumed = fit(newFlow(), data, { steps: 40, seed: 1, resume: saved });
 * console.log(full.finalLoss, resumed.finalLoss); // equal
 * ```
 */
export interface FitCheckpointing {
  /** Whether to save after `step` completed steps. */
  due(step: number): boolean;
  /** Receives the state (host copies; keep or write them). */
  save(state: FitState): void;
}

/** Host copies of the variables' values. */
export function readVariables(variables: readonly tf.Variable[]): Float32Array[] {
  return variables.map((v) => Float32Array.from(v.dataSync()));
}

/** Writes saved values back into the variables; their count and sizes must match. */
export function assignVariables(
  variables: readonly tf.Variable[],
  values: readonly Float32Array[],
  what: string,
): void {
  if (values.length !== variables.length) {
    throw new ShapeError(`${what}: ${values.length} saved arrays for ${variables.length} variables`);
  }
  variables.forEach((v, i) => {
    const data = values[i] as Float32Array;
    if (data.length !== v.size) {
      throw new ShapeError(
        `${what}: saved array ${i} has ${data.length} values, variable '${v.name}' has ${v.size}`,
      );
    }
  });
  variables.forEach((v, i) => {
    const t = tf.tensor(values[i] as Float32Array, v.shape, v.dtype);
    v.assign(t);
    t.dispose();
  });
}
