import * as tf from '@tensorflow/tfjs-core';
import { combineOnHost } from './combination.js';

/**
 * base + Σ_j w_j k_j for each tensor of a tuple (zero weights skipped; `base` null means 0): the
 * stage and solution combinations of an explicit Runge-Kutta step. Weights already include h. On
 * backends whose tensors live in host memory (`cpu`, `wasm`) the whole tuple's combination is one
 * host kernel ({@link combineOnHost}) instead of a multiply per term and tensor and a sum per tensor,
 * each a kernel launch and a tape node: a solver's state arithmetic on small states (a CNF's
 * [z, log p, ...]) is bound by dispatch, not arithmetic.
 */
export function combine(
  base: readonly tf.Tensor[] | null,
  weights: readonly number[],
  ks: readonly (readonly tf.Tensor[])[],
): tf.Tensor[] {
  const used = weights.flatMap((w, j) => (w !== 0 ? [j] : []));
  const terms = used.map((j) => ks[j] as readonly tf.Tensor[]);
  const scales = used.map((j) => weights[j] as number);
  if (
    used.length > 0 &&
    HOST_BACKENDS.has(tf.getBackend()) &&
    [...(base ?? []), ...terms.flat()].every((t) => t.dtype === 'float32')
  ) {
    return combineOnHost(base, scales, terms);
  }
  const size = base?.length ?? (ks[0] as readonly tf.Tensor[]).length;
  return Array.from({ length: size }, (_, s) => {
    const all: tf.Tensor[] = base ? [base[s] as tf.Tensor] : [];
    terms.forEach((k, i) => all.push(tf.mul(k[s] as tf.Tensor, scales[i] as number)));
    if (all.length === 0) return tf.zerosLike((ks[0] as readonly tf.Tensor[])[s] as tf.Tensor);
    return all.length === 1 ? tf.clone(all[0] as tf.Tensor) : tf.addN(all);
  });
}

/** Backends whose tensor data the host reads in place (the others would read back and upload). */
const HOST_BACKENDS = new Set(['cpu', 'wasm']);

/** sqrt(mean_i (v_i / scale_i)²) over every element of a tuple: the weighted RMS norm of Hairer, Nørsett & Wanner (II.4). */
export function scaledRmsNorm(v: readonly tf.Tensor[], scale: readonly tf.Tensor[]): tf.Scalar {
  const count = v.reduce((n, t) => n + t.size, 0);
  const sums = v.map((t, i) => tf.sum(tf.square(tf.div(t, scale[i] as tf.Tensor))));
  return tf.sqrt(tf.div(sums.length === 1 ? (sums[0] as tf.Tensor) : tf.addN(sums), count)) as tf.Scalar;
}

/** The error scale atol + rtol · max(|a|, |b|) per element (|a| alone when `b` is null). */
export function errorScale(
  a: readonly tf.Tensor[],
  b: readonly tf.Tensor[] | null,
  rtol: number,
  atol: number,
): tf.Tensor[] {
  return a.map((t, i) => {
    const magnitude = b ? tf.maximum(tf.abs(t), tf.abs(b[i] as tf.Tensor)) : tf.abs(t);
    return tf.add(tf.mul(magnitude, rtol), atol);
  });
}

/** Copies a tuple so that the caller owns the copies. */
export function cloneAll(ts: readonly tf.Tensor[]): tf.Tensor[] {
  return ts.map((t) => tf.clone(t));
}

/** Reads a scalar tensor to the host and disposes it. */
export function takeScalar(s: tf.Tensor): number {
  const value = s.dataSync()[0] as number;
  s.dispose();
  return value;
}
