import { hostRng, OptionError, ShapeError, ValueError, previewJson } from '@bijective/core';
import { float32StrictlyBelow } from './float32.js';
import { checkNumber, checkSeed } from './options.js';

/**
 * Uniform dequantisation y = (x + u) / levels with u ~ U[0, 1) i.i.d. (Theis et al. 2016; RealNVP):
 * integer values x in [0, levels) become continuous y in [0, 1). Non-integers or values out of range
 * throw a {@link ValueError} naming the index.
 */
export function dequantise(values: ArrayLike<number>, seed: number, levels = 256): Float32Array {
  checkSeed(seed);
  checkNumber(levels, 'levels', { min: 2, integer: true });
  const rng = hostRng(seed);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (!Number.isInteger(x) || x < 0 || x >= levels) {
      throw new ValueError(`dequantise: value ${x} at index ${i} is not an integer in [0, ${levels})`);
    }
    // float32 rounding must keep y below the next level's edge (and below 1).
    out[i] = float32StrictlyBelow((x + rng.uniform()) / levels, (x + 1) / levels);
  }
  return out;
}

/**
 * log|det| of the scaling y = x / levels over `dims` values: -dims·ln(levels). The discrete NLL of
 * integer data is bounded by the NLL of dequantised y minus this (Theis et al. 2016).
 */
export function dequantisationLogDet(dims: number, levels = 256): number {
  return -dims * Math.log(levels);
}

/** Bits per dimension of an NLL in nats per example: nll / (dims · ln 2). */
export function bitsPerDim(nllNats: number, dims: number): number {
  return nllNats / (dims * Math.LN2);
}

/** Values and per-row log|det J| of an elementwise transform of row-major rows. */
export interface TransformedRows {
  /** Transformed values, row-major like the input. */
  value: Float32Array;
  /** log|det J| of each row's transform. */
  logDet: Float64Array;
}

function checkAlpha(alpha: number): number {
  if (!(typeof alpha === 'number' && alpha >= 0 && alpha < 0.5)) {
    throw new OptionError(`logit transform: alpha must be in [0, 0.5), got ${previewJson(alpha)}`);
  }
  return alpha;
}

function checkRows(length: number, cols: number, what: string): number {
  checkNumber(cols, `${what}: cols`, { min: 1, integer: true });
  if (length % cols !== 0) throw new ShapeError(`${what}: ${length} values are not rows of ${cols}`);
  return length / cols;
}

/**
 * RealNVP's logit transform z = logit(α + (1 - 2α)y) for y in [0, 1] (default α = 1e-6), with
 * log|dz/dy| = Σ [log(1 - 2α) - log s - log(1 - s)], s = α + (1 - 2α)y, per row of `cols` values.
 */
export function logitTransform(y: ArrayLike<number>, cols: number, alpha = 1e-6): TransformedRows {
  checkAlpha(alpha);
  const rows = checkRows(y.length, cols, 'logitTransform');
  const value = new Float32Array(y.length);
  const logDet = new Float64Array(rows);
  const logScale = Math.log1p(-2 * alpha);
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (!(v >= 0 && v <= 1))
      throw new ValueError(`logitTransform: value ${v} at index ${i} is outside [0, 1]`);
    const s = alpha + (1 - 2 * alpha) * v;
    const z = Math.log(s) - Math.log1p(-s);
    if (!Number.isFinite(z)) {
      throw new ValueError(`logitTransform: value ${v} at index ${i} maps to ${z}; use alpha > 0`);
    }
    value[i] = z;
    const r = Math.floor(i / cols);
    logDet[r] = (logDet[r] as number) + logScale - Math.log(s) - Math.log1p(-s);
  }
  return { value, logDet };
}

/** Inverse of {@link logitTransform}: y = (sigmoid(z) - α) / (1 - 2α), with its per-row log|dy/dz|. */
export function inverseLogitTransform(z: ArrayLike<number>, cols: number, alpha = 1e-6): TransformedRows {
  checkAlpha(alpha);
  const rows = checkRows(z.length, cols, 'inverseLogitTransform');
  const value = new Float32Array(z.length);
  const logDet = new Float64Array(rows);
  const logScale = Math.log1p(-2 * alpha);
  for (let i = 0; i < z.length; i++) {
    const v = z[i] as number;
    if (Number.isNaN(v)) throw new ValueError(`inverseLogitTransform: NaN at index ${i}`);
    // log s and log(1 - s) of s = sigmoid(v), stable for large |v|.
    const logS = -Math.log1p(Math.exp(-Math.abs(v))) + Math.min(v, 0);
    const log1mS = -Math.log1p(Math.exp(-Math.abs(v))) + Math.min(-v, 0);
    value[i] = (Math.exp(logS) - alpha) / (1 - 2 * alpha);
    const r = Math.floor(i / cols);
    logDet[r] = (logDet[r] as number) + logS + log1mS - logScale;
  }
  return { value, logDet };
}
