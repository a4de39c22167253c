import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATION_PAIRS, type ActivationPair } from './activations.js';
import {
  wasmSquashFieldAvailable,
  wasmSquashFieldVjp,
  wasmSquashFieldVjpGrad,
} from './squash-wasm-kernels.js';
import { squashWeights, squashWeightsGrad } from './squash-weights-kernel.js';

/** One unconditional concat-squash layer's variables, in `ConcatSquashField.variables` order. */
export interface SquashParams {
  /** W `[in, out]`. */
  kernel: tf.Tensor;
  /** b `[out]`. */
  bias: tf.Tensor;
  /** W_g `[1, out]`. */
  gateKernel: tf.Tensor;
  /** b_g `[out]`. */
  gateBias: tf.Tensor;
  /** W_h `[1, out]`. */
  hyperKernel: tf.Tensor;
}

/**
 * The op: (z, e, t[, packed]) -> [f(z, t); eᵀ ∂f/∂z] stacked along the batch, `[2n, D]` (row blocks
 * slice without a strided copy), differentiable in z, t and the parameters. On the wasm kernels (tanh
 * on wasm) e may hold m probes, `[m·n, D]`, sharing one evaluation of f: `[(1 + m) n, D]`. Given `packed`, the
 * parameters' values flattened and concatenated in order ({@link packSquashParams}), the parameter
 * gradient flows to that one tensor instead of the variables: one gradient accumulation per
 * evaluation instead of one per variable when a solve makes many evaluations.
 */
export type SquashVjpOp = (z: tf.Tensor2D, e: tf.Tensor2D, t: tf.Scalar, packed?: tf.Tensor1D) => tf.Tensor2D;

/**
 * The parameters flattened and concatenated in `ConcatSquashField.variables` order, recorded on any
 * open tape (its gradient splits back into the variables' own): the `packed` input of a
 * {@link SquashVjpOp}, made once per solve.
 * @internal
 */
export function packSquashParams(layers: readonly SquashParams[]): tf.Tensor1D {
  const flat = layers.flatMap((l) => [l.kernel, l.bias, l.gateKernel, l.gateBias, l.hyperKernel]);
  return tf.concat(flat.map((p) => tf.reshape(p, [-1]))) as tf.Tensor1D;
}

/** x yᵀ-free products with explicit transposes: tfjs's wasm backend runs matMul's transpose flags as a plain loop. */
const mmT = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a as tf.Tensor2D, tf.transpose(b as tf.Tensor2D));
const mTm = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(tf.transpose(a as tf.Tensor2D), b as tf.Tensor2D);

/**
 * f(z, t) of an unconditional concat-squash field together with its vector-Jacobian products eᵀ ∂f/∂z
 * as one op with a hand-written backward pass (the FFJORD hot path). Forward, per layer l: gates
 * g = σ(t W_g + b_g), K = W ⊙ g, c = b ⊙ g + t W_h, a_l = h_{l-1} K + c, h_l = φ(a_l) (h_L = a_L = f);
 * then u_L = e, u_{l-1} = (u_l ⊙ φ'(a_l)) Kᵀ (no φ' at the output layer), vjp = u_0. The backward pass
 * runs the reverse of both chains (the second derivative φ'' enters through the VJP chain) and the
 * gate algebra, so that a training step records one tape node per evaluation instead of a few hundred.
 * With tanh on tfjs's wasm backend the whole op, forward and backward, is one kernel each
 * (`squash-wasm-kernels.ts`: the gate algebra and the engine's wasm SIMD tanh field); elsewhere tfjs ops.
 * The probe e gets a zero gradient. The op is differentiable once (not its own gradient).
 * @internal
 */
export function squashVjpOp(layers: readonly SquashParams[], act: ActivationPair): SquashVjpOp {
  const L = layers.length;
  const params = layers.flatMap((l) => [l.kernel, l.bias, l.gateKernel, l.gateBias, l.hyperKernel]);
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    // The parameters are read from `layers` (their values; `packed`, when given, holds the same).
    const [z, e, t] = args as [tf.Tensor2D, tf.Tensor2D, tf.Scalar];
    const packedGrad = args.length === 5;
    if (act === ACTIVATION_PAIRS.tanh && wasmSquashFieldAvailable()) {
      // The gates, both chains and (backward) the gate algebra as one wasm SIMD kernel each; the tape
      // holds the hidden outputs, the VJP's intermediates and the layers' gates, kernels and shifts.
      const { stacked, tape } = wasmSquashFieldVjp(z, e, t, params);
      save([z, e, t, tape]);
      return {
        value: stacked,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sz, se, st, sTape] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          const g = wasmSquashFieldVjpGrad(dy, sz, se, st, params, sTape, packedGrad);
          return [g.zBar, tf.zerosLike(se), g.tBar, ...g.paramGrads];
        },
      };
    }
    // Every layer's gate g, kernel K = W ⊙ g and shift c = b ⊙ g + t W_h in one host kernel.
    const { gates, kernels, shifts } = squashWeights(layers, t);
    const pre: tf.Tensor[] = [];
    const outs: tf.Tensor[] = [z];
    const slopes: tf.Tensor[] = [];
    layers.forEach((_, l) => {
      const a = tf.fused.matMul({
        a: outs[l] as tf.Tensor2D,
        b: kernels[l] as tf.Tensor2D,
        bias: shifts[l] as tf.Tensor,
      });
      if (l === L - 1) {
        outs.push(a);
        return;
      }
      const h = act.value(a);
      pre.push(a);
      outs.push(h);
      slopes.push(act.derivative(a, h));
    });
    // us[l] = u_l for l = 0..L (us[L] = e).
    const us: tf.Tensor[] = new Array<tf.Tensor>(L + 1);
    us[L] = e;
    for (let l = L; l >= 1; l--) {
      const w = l === L ? (us[l] as tf.Tensor) : tf.mul(us[l] as tf.Tensor, slopes[l - 1] as tf.Tensor);
      us[l - 1] = mmT(w, kernels[l - 1] as tf.Tensor);
    }
    const value = outs[L] as tf.Tensor;
    // Saved: t, then per layer its gate and effective kernel; per hidden layer a, h, φ'; the layer inputs and u's.
    save([t, ...gates, ...kernels, ...pre, ...outs.slice(0, L), ...slopes, ...us.slice(0, L), e]);
    return {
      value: tf.concat([value, us[0] as tf.Tensor], 0),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved, packedGrad),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor2D;

  function backward(dy: tf.Tensor, saved: tf.Tensor[], packedGrad: boolean): tf.Tensor[] {
    let k = 0;
    const take = (n: number) => saved.slice(k, (k += n));
    const [t] = take(1) as [tf.Scalar];
    const gates = take(L);
    const kernels = take(L);
    const pre = take(L - 1);
    const inputs = take(L);
    const slopes = take(L - 1);
    const us = take(L);
    const [e] = take(1) as [tf.Tensor];
    const n = (dy.shape[0] as number) / 2;
    const fBar = tf.slice(dy, [0, 0], [n, -1]);
    let uBar: tf.Tensor = tf.slice(dy, [n, 0], [n, -1]);
    const kernelBars: tf.Tensor[] = [];
    const aBars: (tf.Tensor | null)[] = [];
    // Reverse of the VJP chain, l = 1..L: u_{l-1} = w_l K_lᵀ with w_l = u_l ⊙ φ'(a_l) (w_L = e).
    for (let l = 1; l <= L; l++) {
      const kernel = kernels[l - 1] as tf.Tensor;
      const w = l === L ? e : tf.mul(us[l] as tf.Tensor, slopes[l - 1] as tf.Tensor);
      kernelBars.push(mTm(uBar, w));
      if (l === L) break;
      const wBar = tf.matMul(uBar as tf.Tensor2D, kernel as tf.Tensor2D);
      const slope = slopes[l - 1] as tf.Tensor;
      const a = pre[l - 1] as tf.Tensor;
      aBars.push(tf.mul(tf.mul(wBar, us[l] as tf.Tensor), act.second(a, inputs[l] as tf.Tensor, slope)));
      uBar = tf.mul(wBar, slope);
    }
    // Reverse of the value chain, l = L..1: a_l = h_{l-1} K_l + c_l, h_l = φ(a_l).
    const kernelTotals: tf.Tensor[] = new Array<tf.Tensor>(L);
    const shiftBars: tf.Tensor[] = new Array<tf.Tensor>(L);
    let aBar: tf.Tensor = fBar;
    let zBar: tf.Tensor | null = null;
    for (let l = L; l >= 1; l--) {
      kernelTotals[l - 1] = tf.add(kernelBars[l - 1] as tf.Tensor, mTm(inputs[l - 1] as tf.Tensor, aBar));
      // Column sums as a product with a row of ones (tfjs's wasm sum over the batch axis transposes first).
      shiftBars[l - 1] = tf.reshape(
        tf.matMul(tf.ones([1, aBar.shape[0] as number]), aBar as tf.Tensor2D),
        [-1],
      );
      const hBar = mmT(aBar, kernels[l - 1] as tf.Tensor);
      if (l > 1) {
        const fromVjp = aBars[l - 2] as tf.Tensor;
        aBar = tf.add(tf.mul(hBar, slopes[l - 2] as tf.Tensor), fromVjp);
      } else zBar = hBar;
    }
    // K = W ⊙ g, c = b ⊙ g + t W_h, g = σ(t W_g + b_g): every parameter's gradient and t̄ in one host kernel.
    const { paramGrads, tBar } = squashWeightsGrad(layers, t, gates, kernelTotals, shiftBars, packedGrad);
    return [zBar as tf.Tensor, tf.zerosLike(e), tBar, ...paramGrads];
  }

  return (z, e, t, packed) => (packed ? op(z, e, t, packed) : op(z, e, t, ...params));
}
