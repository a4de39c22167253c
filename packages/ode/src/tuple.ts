import * as tf from '@tensorflow/tfjs-core';

/**
 * base + Σ_j w_j k_j for each tensor of a tuple (zero weights skipped; `base` null means 0): the
 * stage and solution combinations of an explicit Runge-Kutta step. Weights already include h.
 */
export function combine(
  base: readonly tf.Tensor[] | null,
  weights: readonly number[],
  ks: readonly (readonly tf.Tensor[])[],
): tf.Tensor[] {
  const size = base?.length ?? (ks[0] as readonly tf.Tensor[]).length;
  return Array.from({ length: size }, (_, s) => {
    const terms: tf.Tensor[] = base ? [base[s] as tf.Tensor] : [];
    weights.forEach((w, j) => {
      if (w !== 0) terms.push(tf.mul((ks[j] as readonly tf.Tensor[])[s] as tf.Tensor, w));
    });
    if (terms.length === 0) return tf.zerosLike((ks[0] as readonly tf.Tensor[])[s] as tf.Tensor);
    return terms.length === 1 ? tf.clone(terms[0] as tf.Tensor) : tf.addN(terms);
  });
}

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
