import * as tf from '@tensorflow/tfjs-core';
import type { ConditionerActivation } from './activation-derivative.js';
import { batchContraction, columnSums } from './contraction.js';
import type { Direction, ElementwiseTransform } from './elementwise-transform.js';
import type { CouplingMask } from './mask.js';

/** One coupling layer's conditioner weights: kernels and biases, input layer first (at least one hidden layer). */
export interface LayerWeights {
  /** Kernels `[in, out]`; the first has sizeA rows for x_A, then contextSize rows for the context. */
  kernels: tf.Tensor2D[];
  /** Biases `[out]`. */
  biases: tf.Tensor1D[];
}

/** What one layer's forward pass needs besides its inputs. */
export interface LayerSpec {
  /** The partition, as constant selection and lift matrices. */
  mask: CouplingMask;
  /** The elementwise map g. */
  transform: ElementwiseTransform;
  /** The conditioner's hidden activation. */
  activation: ConditionerActivation;
  /** Scalars per context row (0 when unconditional). */
  contextSize: number;
}

/** A layer's output and the tensors its backward pass reads. */
export interface LayerForward {
  /** The mapped batch `[n, d]`. */
  value: tf.Tensor2D;
  /** log|det J| per row, or null for a volume-preserving layer. */
  logDet: tf.Tensor1D | null;
  /** Kept for {@link layerBackward}, in its order. */
  saved: tf.Tensor[];
}

/** Gradients of one layer. */
export interface LayerGradients {
  /** ∂L/∂u. */
  du: tf.Tensor2D;
  /** ∂L/∂context, or null when unconditional. */
  dContext: tf.Tensor2D | null;
  /** ∂L/∂weights, in the layout of {@link LayerWeights}. */
  dWeights: LayerWeights;
}

/**
 * a(x W + b) as one `_FusedMatMul` kernel (batched, as tfjs's kernels expect). Called directly:
 * `tf.fused.matMul` splits itself into three kernels whenever a gradient tape is open, which the
 * fused op's forward never needs (its backward pass is written out).
 */
function fusedMatMul(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: 'relu' | 'elu' | 'linear',
): tf.Tensor2D {
  const [n, k] = x.shape;
  const m = w.shape[1];
  const inputs = { a: tf.reshape(x, [1, n, k]), b: tf.reshape(w, [1, k, m]), bias: b };
  const attrs = { transposeA: false, transposeB: false, activation } as unknown as tf.NamedAttrMap;
  return tf.reshape(tf.engine().runKernel(tf._FusedMatMul, inputs, attrs) as tf.Tensor3D, [n, m]);
}

/** x W + b, then the activation when `act` is given (fused into the same kernel for relu and elu). */
function dense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  act: ConditionerActivation | null,
): { z: tf.Tensor2D | null; h: tf.Tensor2D } {
  if (act === null) return { z: null, h: fusedMatMul(x, w, b, 'linear') };
  if (act.fused) return { z: null, h: fusedMatMul(x, w, b, act.fused) };
  const z = fusedMatMul(x, w, b, 'linear');
  return { z, h: act.apply(z) as tf.Tensor2D };
}

/**
 * One coupling layer y_B = g(x_B; m(x_A[, c])) on the full event width, with no taped op: the
 * conditioner reads x through the lifted first kernel S_A W₁ᴬ (so x_A is never sliced out), adds
 * c W₁ᶜ for a context, and its heads are lifted to `[n, d]` (zero on A) by the mask's L_j, where g
 * is the identity. Dense layers are tfjs fused matMuls (bias and relu/elu in one kernel).
 */
export function layerForward(
  spec: LayerSpec,
  direction: Direction,
  u: tf.Tensor2D,
  context: tf.Tensor2D | null,
  w: LayerWeights,
): LayerForward {
  const { mask, transform, activation } = spec;
  const layers = w.kernels.length;
  const first = w.kernels[0] as tf.Tensor2D;
  const firstA = context ? tf.slice(first, [0, 0], [mask.sizeA, -1]) : first;
  const lifted = tf.matMul(mask.selectA.m, firstA) as tf.Tensor2D;
  const inputs: tf.Tensor2D[] = [];
  const pre: tf.Tensor2D[] = [];
  let h: tf.Tensor2D;
  if (context) {
    const z = tf.add(tf.matMul(u, lifted), tf.matMul(context, tf.slice(first, [mask.sizeA, 0], [-1, -1])));
    const biased = tf.add(z, w.biases[0] as tf.Tensor1D) as tf.Tensor2D;
    h = activation.apply(biased) as tf.Tensor2D;
    if (activation.needsInput) pre.push(biased);
  } else {
    const out = dense(u, lifted, w.biases[0] as tf.Tensor1D, activation);
    h = out.h;
    if (out.z && activation.needsInput) pre.push(out.z);
  }
  for (let l = 1; l < layers; l++) {
    inputs.push(h);
    const out = dense(
      h,
      w.kernels[l] as tf.Tensor2D,
      w.biases[l] as tf.Tensor1D,
      l === layers - 1 ? null : activation,
    );
    h = out.h;
    if (out.z && activation.needsInput) pre.push(out.z);
  }
  const heads = mask.lifts.map((lift) => tf.matMul(h, lift.m) as tf.Tensor2D);
  const result = transform.apply(direction, u, heads);
  return {
    value: result.value,
    logDet: result.logDet,
    saved: [u, lifted, ...inputs, ...pre, ...result.saved],
  };
}

/**
 * The gradients of {@link layerForward} (given its saved tensors, the layer's kernels and its first
 * bias) from ∂L/∂value and ∂L/∂logDet `[n, 1]`, written out with explicit transposes (no matMul
 * transpose flags: slow on wasm), the narrower side of each weight gradient transposed, and bias
 * gradients as 1ᵀδ products. When the layer's input [x, c] is much narrower than its first hidden
 * layer, that layer's transposed output h₁ᵀ = a(W₁ᵀ [x, c]ᵀ + b₁) is recomputed from the narrow
 * input instead of transposing the wide batch h₁ (wasm transposes cost more than the product).
 */
export function layerBackward(
  spec: LayerSpec,
  direction: Direction,
  dValue: tf.Tensor2D,
  dLogDet: tf.Tensor2D | null,
  saved: readonly tf.Tensor[],
  context: tf.Tensor2D | null,
  kernels: readonly tf.Tensor2D[],
  firstBias: tf.Tensor1D,
): LayerGradients {
  const { mask, transform, activation } = spec;
  const layers = kernels.length;
  const rest = [...saved] as tf.Tensor2D[];
  const u = rest.shift() as tf.Tensor2D;
  const lifted = rest.shift() as tf.Tensor2D;
  const inputs = rest.splice(0, layers - 1);
  const pre = activation.needsInput ? rest.splice(0, layers - 1) : [];
  const { du, dHeads } = transform.grad(direction, dValue, dLogDet, u, rest);
  const back = dHeads.map((d, j) => tf.matMul(d, (mask.lifts[j] as { t: tf.Tensor2D }).t));
  let delta = (back.length === 1 ? back[0] : tf.addN(back)) as tf.Tensor2D;
  const uT = tf.transpose(u) as tf.Tensor2D;
  const contextT = context ? (tf.transpose(context) as tf.Tensor2D) : null;
  const firstContext = context ? tf.slice(kernels[0] as tf.Tensor2D, [mask.sizeA, 0], [-1, -1]) : null;
  const width = (kernels[0] as tf.Tensor2D).shape[1];
  const recompute = (mask.size + (contextT?.shape[0] ?? 0)) * 4 <= width;
  const liftedT = tf.transpose(lifted) as tf.Tensor2D;
  const firstHiddenT = () => {
    let z = tf.matMul(liftedT, uT);
    if (contextT && firstContext)
      z = tf.add(z, tf.matMul(tf.transpose(firstContext) as tf.Tensor2D, contextT));
    return activation.apply(tf.add(z, tf.reshape(firstBias, [-1, 1]))) as tf.Tensor2D;
  };
  const dKernels = new Array<tf.Tensor2D>(layers);
  const dBiases = new Array<tf.Tensor1D>(layers);
  for (let l = layers - 1; l >= 1; l--) {
    const input = inputs[l - 1] as tf.Tensor2D;
    dKernels[l] =
      l === 1 && recompute
        ? (tf.matMul(firstHiddenT(), delta) as tf.Tensor2D)
        : batchContraction(input, delta);
    dBiases[l] = columnSums(delta);
    const dh = tf.matMul(delta, tf.transpose(kernels[l] as tf.Tensor2D));
    delta = tf.mul(dh, activation.derivative(pre[l - 1] ?? null, input)) as tf.Tensor2D;
  }
  // Layer 1: its x_A rows get S_Aᵀ (uᵀ δ); u's gradient adds δ (S_A W₁ᴬ)ᵀ to g's own.
  const dFirstA = tf.matMul(mask.selectA.t, tf.matMul(uT, delta)) as tf.Tensor2D;
  dBiases[0] = columnSums(delta);
  const dU = tf.add(du, tf.matMul(delta, liftedT)) as tf.Tensor2D;
  if (!contextT || !firstContext) {
    dKernels[0] = dFirstA;
    return { du: dU, dContext: null, dWeights: { kernels: dKernels, biases: dBiases } };
  }
  dKernels[0] = tf.concat([dFirstA, tf.matMul(contextT, delta)], 0) as tf.Tensor2D;
  const dContext = tf.matMul(delta, tf.transpose(firstContext)) as tf.Tensor2D;
  return { du: dU, dContext, dWeights: { kernels: dKernels, biases: dBiases } };
}
