import * as tf from '@tensorflow/tfjs-core';
import type { ConditionerActivation } from './conditioner-activation.js';
import { fusedMatMulKernel } from '../tfjs/internals.js';
import { batchContraction, isThin } from './contraction.js';
import type { Direction, ElementwiseTransform } from './elementwise-transform.js';
import type { KernelMap } from './kernel-map.js';
import { wasmMlpAvailable, wasmMlpBackward, wasmMlpForward } from '../wasm/mlp-kernels.js';

/** One layer's conditioner weights: kernels and biases, input layer first (at least one hidden layer). */
export interface LayerWeights {
  /** Kernels `[in, out]`; the first has `inputRows` rows read through the input map, then one row per context scalar. */
  kernels: tf.Tensor2D[];
  /** Biases `[out]`. */
  biases: tf.Tensor1D[];
}

/** What one fused layer computes: y = g(u; m(u[, c])) on `columns`, where the conditioner m sees u only through its kernel maps. */
export interface LayerSpec {
  /** Maps the first kernel's u-rows to the `[d, width₁]` kernel applied to the full-width u. */
  inputMap: KernelMap;
  /** Rows of the first kernel read through `inputMap` (the rest read the context). */
  inputRows: number;
  /** Maps of kernels 2..L (MADE masks), null where a kernel is used as it is. */
  kernelMaps: readonly (KernelMap | null)[];
  /** The event columns g transforms, in head order. */
  columns: readonly number[];
  /** The elementwise map g. */
  transform: ElementwiseTransform;
  /** The conditioner's hidden activation. */
  activation: ConditionerActivation;
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

/** x W + b, then the activation when `act` is given (fused into the same kernel for relu and elu); z is kept when the derivative needs it. */
function dense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  act: ConditionerActivation | null,
): { z: tf.Tensor2D | null; h: tf.Tensor2D } {
  if (act === null) return { z: null, h: fusedMatMulKernel(x, w, b, 'linear') };
  if (act.fused) return { z: null, h: fusedMatMulKernel(x, w, b, act.fused) };
  const z = fusedMatMulKernel(x, w, b, 'linear');
  return { z, h: act.apply(z) };
}

/** Whether a layer's conditioner runs as the engine's wasm SIMD kernels (ReLU, no context, on wasm with them available). */
function onSimdKernels(activation: ConditionerActivation, context: tf.Tensor2D | null): boolean {
  return context === null && activation.fused === 'relu' && wasmMlpAvailable();
}

/**
 * One layer y = g(u; m(u[, c])) on the full event width, with no taped op: the conditioner reads u
 * through its mapped first kernel (a coupling's S_A W₁ᴬ, so x_A is never sliced out; a MADE's
 * masked W₁), adds c W₁ᶜ for a context, and its raw output goes straight to g's host kernel (with
 * g's cache kept when `forBackward`: the caller will run {@link layerBackward} on `saved`).
 * Dense layers are tfjs fused matMuls (bias and relu/elu in one kernel), or, on tfjs's wasm backend
 * for a ReLU conditioner without context, the whole MLP as ONE kernel of the engine's own wasm SIMD
 * code (`src/wasm/`).
 */
export function layerForward(
  spec: LayerSpec,
  direction: Direction,
  u: tf.Tensor2D,
  context: tf.Tensor2D | null,
  w: LayerWeights,
  forBackward: boolean,
): LayerForward {
  const { activation } = spec;
  const layers = w.kernels.length;
  const first = w.kernels[0] as tf.Tensor2D;
  const firstBias = w.biases[0] as tf.Tensor1D;
  const firstU = context ? tf.slice(first, [0, 0], [spec.inputRows, -1]) : first;
  const firstContext = context ? tf.slice(first, [spec.inputRows, 0], [-1, -1]) : null;
  const lifted = spec.inputMap.apply(firstU);
  const mapped = w.kernels.slice(1).map((k, i) => spec.kernelMaps[i]?.apply(k) ?? k);
  const inputs: tf.Tensor2D[] = [];
  const pre: tf.Tensor2D[] = [];
  let h: tf.Tensor2D;
  if (onSimdKernels(activation, context)) {
    const outs = wasmMlpForward(u, [lifted, ...mapped], w.biases);
    h = outs.pop() as tf.Tensor2D;
    inputs.push(...outs);
  } else {
    if (context && firstContext) {
      const z = tf.add(
        tf.add(tf.matMul(u, lifted), tf.matMul(context, firstContext)),
        firstBias,
      ) as tf.Tensor2D;
      h = activation.apply(z);
      if (activation.needsInput) pre.push(z);
    } else {
      const out = dense(u, lifted, firstBias, activation);
      h = out.h;
      if (out.z && activation.needsInput) pre.push(out.z);
    }
    for (let l = 1; l < layers; l++) {
      inputs.push(h);
      const out = dense(
        h,
        mapped[l - 1] as tf.Tensor2D,
        w.biases[l] as tf.Tensor1D,
        l === layers - 1 ? null : activation,
      );
      h = out.h;
      if (out.z && activation.needsInput) pre.push(out.z);
    }
  }
  const result = spec.transform.apply(direction, u, h, spec.columns, forBackward);
  const cache = result.cache ? [result.cache] : [];
  return {
    value: result.value,
    logDet: result.logDet,
    saved: [u, lifted, ...(firstContext ? [firstContext] : []), ...mapped, ...inputs, ...pre, h, ...cache],
  };
}

/**
 * The gradients of {@link layerForward} from its saved tensors and ∂L/∂value, ∂L/∂logDet `[n]`,
 * written out with explicit transposes (no matMul transpose flags: slow on wasm, except for thin
 * operands), each bias gradient the column sums its activation's backward kernel returns, and each
 * hidden weight gradient (δᵀ h)ᵀ from the δᵀ that kernel writes beside δ (a tfjs transpose of a
 * wide batch costs more than the product).
 */
export function layerBackward(
  spec: LayerSpec,
  direction: Direction,
  dValue: tf.Tensor2D,
  dLogDet: tf.Tensor1D | null,
  saved: readonly tf.Tensor[],
  context: tf.Tensor2D | null,
): LayerGradients {
  const { activation } = spec;
  const rest = [...saved] as tf.Tensor2D[];
  const u = rest.shift() as tf.Tensor2D;
  const lifted = rest.shift() as tf.Tensor2D;
  const firstContext = context ? (rest.shift() as tf.Tensor2D) : null;
  const layers = spec.kernelMaps.length + 1;
  const mapped = rest.splice(0, layers - 1);
  const inputs = rest.splice(0, layers - 1);
  const pre = activation.needsInput ? rest.splice(0, layers - 1) : [];
  const raw = rest.shift() as tf.Tensor2D;
  const cache = rest.shift();
  const g = spec.transform.grad(direction, u, raw, spec.columns, dValue, dLogDet, cache);
  if (onSimdKernels(activation, context)) {
    const simd = wasmMlpBackward(g.dRaw, g.du, u, [lifted, ...mapped], inputs);
    const kernels = simd.kernels.map((k, l) =>
      l === 0 ? spec.inputMap.adjoint(k) : (spec.kernelMaps[l - 1]?.adjoint(k) ?? k),
    );
    return { du: simd.du, dContext: null, dWeights: { kernels, biases: simd.biases } };
  }
  let delta = g.dRaw;
  let deltaT: tf.Tensor2D | undefined;
  // δ of kernel l is contracted with kernel l's input: hidden h_l, or u (and c) for the first.
  const firstInputThin = isThin(u.shape[1]) && (!context || isThin(context.shape[1]));
  const needsTranspose = (l: number) => (l === 0 ? !firstInputThin : !isThin(inputs[l - 1]!.shape[1]));
  const dKernels = new Array<tf.Tensor2D>(layers);
  const dBiases = new Array<tf.Tensor1D>(layers);
  dBiases[layers - 1] = g.dRawSums;
  for (let l = layers - 1; l >= 1; l--) {
    const input = inputs[l - 1] as tf.Tensor2D;
    const dMapped = batchContraction(input, delta, deltaT);
    dKernels[l] = spec.kernelMaps[l - 1]?.adjoint(dMapped) ?? dMapped;
    const dh = tf.matMul(delta, tf.transpose(mapped[l - 1] as tf.Tensor2D)) as tf.Tensor2D;
    const back = activation.backward(dh, input, pre[l - 1] ?? null, needsTranspose(l - 1));
    delta = back.delta;
    deltaT = back.deltaT;
    dBiases[l - 1] = back.sums;
  }
  // The first layer: its u-rows get the adjoint of the input map applied to uᵀ δ; u's gradient adds δ liftedᵀ to g's own.
  const dFirstU = spec.inputMap.adjoint(batchContraction(u, delta, deltaT));
  const dU = tf.add(g.du, tf.matMul(delta, tf.transpose(lifted) as tf.Tensor2D)) as tf.Tensor2D;
  if (!context || !firstContext) {
    dKernels[0] = dFirstU;
    return { du: dU, dContext: null, dWeights: { kernels: dKernels, biases: dBiases } };
  }
  dKernels[0] = tf.concat([dFirstU, batchContraction(context, delta, deltaT)], 0) as tf.Tensor2D;
  const dContext = tf.matMul(delta, tf.transpose(firstContext)) as tf.Tensor2D;
  return { du: dU, dContext, dWeights: { kernels: dKernels, biases: dBiases } };
}
