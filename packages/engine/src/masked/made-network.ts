import * as tf from '@tensorflow/tfjs-core';
import type { LayerSpec, LayerWeights } from '../fused/index.js';
import { isTapeActive } from '../tfjs/internals.js';
import { wasmMlpAvailable, wasmMlpForward } from '../wasm/mlp-kernels.js';

/** The parts of a fused layer's spec that describe its masked conditioner (a MADE). */
export type MaskedNetworkSpec = Pick<LayerSpec, 'inputMap' | 'inputRows' | 'kernelMaps' | 'activation'>;

/**
 * A MADE (Germain et al. 2015) as ordinary, differentiable tfjs ops on given weights:
 * h₁ = a((M₁ ⊙ W₁ᵘ) u + W₁ᶜ c + b₁), h_l = a((M_l ⊙ W_l) h_{l-1} + b_l) (or h_{l-1} + a(·), a
 * residual block, He et al. 2016, between equal widths when `residual`), raw = (M ⊙ W) h_L + b.
 * The masked kernels are formed once; the returned function runs the network (the d sequential
 * passes of an autoregressive layer call it d times on the same weights). Outside a gradient tape,
 * a plain ReLU MADE without context runs as the engine's one-kernel wasm SIMD MLP where available
 * (sampling a MAF); under a tape it stays tfjs ops, differentiable.
 */
export function maskedNetwork(
  spec: MaskedNetworkSpec,
  weights: LayerWeights,
  residual: boolean,
): (u: tf.Tensor2D, context: tf.Tensor2D | null) => tf.Tensor2D {
  const [first, ...rest] = weights.kernels as [tf.Tensor2D, ...tf.Tensor2D[]];
  const extra = first.shape[0] - spec.inputRows;
  const [firstU, firstContext] =
    extra > 0 ? (tf.split(first, [spec.inputRows, extra], 0) as [tf.Tensor2D, tf.Tensor2D]) : [first, null];
  const lifted = spec.inputMap.apply(firstU);
  const kernels = rest.map((w, i) => spec.kernelMaps[i]?.apply(w) ?? w);
  const act = spec.activation;
  const simd = !residual && firstContext === null && act.fused === 'relu';
  return (u, context) => {
    if (simd && !isTapeActive() && wasmMlpAvailable()) {
      const outs = wasmMlpForward(u, [lifted, ...kernels], weights.biases);
      tf.dispose(outs.slice(0, -1));
      return outs[outs.length - 1] as tf.Tensor2D;
    }
    let z = tf.matMul(u, lifted);
    if (firstContext && context) z = tf.add(z, tf.matMul(context, firstContext));
    let h = act.apply(tf.add(z, weights.biases[0] as tf.Tensor1D));
    kernels.forEach((w, i) => {
      const zi = tf.add(tf.matMul(h, w), weights.biases[i + 1] as tf.Tensor1D) as tf.Tensor2D;
      if (i === kernels.length - 1) h = zi;
      else if (residual && zi.shape[1] === h.shape[1]) h = tf.add(h, act.apply(zi));
      else h = act.apply(zi);
    });
    return h;
  };
}
