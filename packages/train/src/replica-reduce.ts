import * as tf from '@tensorflow/tfjs-core';
import { readInto } from '@bijective/engine';
import type { ReducedGradients } from './guarded-optimiser.js';

/**
 * Writes a shard's loss and gradients into a thread's output: the loss, then each variable's
 * gradient flattened in `variables` order (zeros for a variable the loss does not reach), copied
 * straight from the backend's memory where it can be (wasm's heap).
 * @internal
 */
export function writeShard(
  output: Float32Array,
  value: tf.Scalar,
  grads: tf.NamedTensorMap,
  variables: readonly tf.Variable[],
): void {
  output[0] = value.dataSync()[0] as number;
  const reached = variables.map((v) => grads[v.name]);
  if (reached.every((g) => g !== undefined)) {
    readInto(reached, output, 1);
    return;
  }
  let offset = 1;
  reached.forEach((g, i) => {
    const size = (variables[i] as tf.Variable).size;
    if (g) readInto([g], output, offset);
    else output.fill(0, offset, offset + size);
    offset += size;
  });
}

/**
 * Σ_k weight_k · output_k[i + 1] accumulated in float32 in thread order into `scratch[i]`; returns
 * Σ_i scratch[i]² in float64. Its own function, so that V8 optimises the loop as a whole function
 * instead of entering it on-stack in a function whose tail has no type feedback (which deoptimised
 * on every step).
 * @internal
 */
function sumShards(used: readonly Float32Array[], weights: readonly number[], scratch: Float32Array): number {
  const total = scratch.length;
  let squares = 0;
  if (used.length === 2) {
    // The common case (two threads) without the inner loop.
    const a = used[0] as Float32Array;
    const b = used[1] as Float32Array;
    const sa = weights[0] as number;
    const sb = weights[1] as number;
    for (let i = 0; i < total; i++) {
      const g = Math.fround(Math.fround((a[i + 1] as number) * sa) + (b[i + 1] as number) * sb);
      scratch[i] = g;
      squares += g * g;
    }
    return squares;
  }
  for (let i = 0; i < total; i++) {
    let g = 0;
    for (let k = 0; k < used.length; k++)
      g = Math.fround(g + ((used[k] as Float32Array)[i + 1] as number) * (weights[k] as number));
    scratch[i] = g;
    squares += g * g;
  }
  return squares;
}

/** Multiplies every float of `scratch` by `factor` (rounded to float32 on store). @internal */
function scaleInPlace(scratch: Float32Array, factor: number): void {
  for (let i = 0; i < scratch.length; i++) scratch[i] = (scratch[i] as number) * factor;
}

/**
 * The all-reduce of a data-parallel step, run identically by every thread, in one pass over the
 * flat gradient: the loss and the gradients averaged over the threads' `outputs` weighted by their
 * shares of the minibatch, g_i = Σ_k share_k · output_k[i] accumulated in thread order in float32
 * (so every thread gets the same bits), the global L2 norm ‖g‖₂ (float64 sum of squares, in
 * variable order) and, when `clipNorm` is given, g · min(1, clipNorm / ‖g‖₂) (Pascanu et al. 2013),
 * as `clipByGlobalNorm` computes them; the gradients as tensors keyed by `variables`' names (the
 * caller's tidy frees them). `scratch` holds the flat gradient (one float per trainable weight).
 * @internal
 */
export function reduceShards(
  outputs: readonly Float32Array[],
  shares: readonly number[],
  variables: readonly tf.Variable[],
  clipNorm: number | undefined,
  scratch: Float32Array,
): ReducedGradients {
  let loss = 0;
  const used = outputs.filter((_, k) => (shares[k] as number) !== 0);
  const weights = shares.filter((share) => share !== 0);
  for (let k = 0; k < used.length; k++)
    loss += ((used[k] as Float32Array)[0] as number) * (weights[k] as number);
  const norm = Math.sqrt(sumShards(used, weights, scratch));
  if (clipNorm !== undefined) {
    const factor = Math.min(1, clipNorm / Math.max(norm, 1e-12));
    if (factor < 1) scaleInPlace(scratch, factor);
  }
  const clipped: tf.NamedTensorMap = {};
  let offset = 0;
  for (const v of variables) {
    clipped[v.name] = tf.tensor(scratch.subarray(offset, offset + v.size), v.shape, 'float32');
    offset += v.size;
  }
  return { loss: Math.fround(loss), norm: Math.fround(norm), clipped };
}
