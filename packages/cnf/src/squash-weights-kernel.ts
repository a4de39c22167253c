import type * as tf from '@tensorflow/tfjs-core';
import { defineHostKernel, type HostKernel, type HostKernelAttrs } from '@bijective/engine';

/** Attributes of the squash-weight kernels: the layer count, and (gradient) whether it comes packed. */
interface SquashWeightAttrs extends HostKernelAttrs {
  layers: number;
  packed: boolean;
}

const sigma = (x: number) => 1 / (1 + Math.exp(-x));

/** N float32 buffers (a tuple, so destructuring them is typed). @internal */
export type Buffers<N extends number, B extends Float32Array[] = []> = B['length'] extends N
  ? B
  : Buffers<N, [...B, Float32Array]>;

/**
 * One concat-squash layer's per-column weights at time t: from b, W_g, b_g, W_h (`[out]` each) the
 * gate g = σ(t W_g + b_g) and the shift c = b ⊙ g + t W_h (the kernel K = W ⊙ g is
 * {@link squashLayerWeights}'s, or the wasm module's `scaleColumns` on the heap).
 * @internal
 */
export function squashGateAndShift(
  t: number,
  b: Float32Array,
  gK: Float32Array,
  gB: Float32Array,
  hK: Float32Array,
  gate: Float32Array,
  shift: Float32Array,
): void {
  for (let j = 0; j < gate.length; j++) {
    const g = sigma(t * (gK[j] as number) + (gB[j] as number));
    gate[j] = g;
    shift[j] = (b[j] as number) * g + t * (hK[j] as number);
  }
}

/**
 * One concat-squash layer's time-dependent weights at time t: from W `[in, out]`, b, W_g, b_g, W_h
 * (`[out]` each, row-major) the gate g = σ(t W_g + b_g), the kernel K = W ⊙ g (g along the columns)
 * and the shift c = b ⊙ g + t W_h.
 * @internal
 */
export function squashLayerWeights(
  t: number,
  W: Float32Array,
  b: Float32Array,
  gK: Float32Array,
  gB: Float32Array,
  hK: Float32Array,
  gate: Float32Array,
  K: Float32Array,
  shift: Float32Array,
): void {
  squashGateAndShift(t, b, gK, gB, hK, gate, shift);
  const out = gate.length;
  // Row by row (no index modulo in the inner loop).
  for (let row = 0; row < W.length; row += out)
    for (let j = 0; j < out; j++) K[row + j] = (W[row + j] as number) * (gate[j] as number);
}

/**
 * The per-column part of {@link squashLayerWeightsGrad}, given ḡ_K = Σ_rows K̄ ⊙ W (the kernel's part
 * of the gate's gradient) and c̄: writes (b̄, W̄_g, b̄_g, W̄_h) and returns the layer's part of t̄.
 * ḡ = ḡ_K + c̄ ⊙ b, p̄ = ḡ ⊙ g (1 − g), b̄ = c̄ ⊙ g, W̄_g = t p̄, b̄_g = p̄, W̄_h = t c̄,
 * t̄ = Σ (p̄ ⊙ W_g + c̄ ⊙ W_h).
 * @internal
 */
export function squashGateGrad(
  t: number,
  b: Float32Array,
  gK: Float32Array,
  hK: Float32Array,
  gate: Float32Array,
  kernelGateBar: ArrayLike<number>,
  cBar: Float32Array,
  [bBar, gKBar, gBBar, hKBar]: Buffers<4>,
): number {
  let tBar = 0;
  for (let j = 0; j < gate.length; j++) {
    const g = gate[j] as number;
    const c = cBar[j] as number;
    const p = ((kernelGateBar[j] as number) + c * (b[j] as number)) * g * (1 - g);
    bBar[j] = c * g;
    gKBar[j] = t * p;
    gBBar[j] = p;
    hKBar[j] = t * c;
    tBar += p * (gK[j] as number) + c * (hK[j] as number);
  }
  return tBar;
}

/**
 * The backward pass of {@link squashLayerWeights} from the gradients K̄ and c̄ of its kernel and
 * shift: writes (W̄, b̄, W̄_g, b̄_g, W̄_h) and returns the layer's part of t̄. ḡ = Σ_rows K̄ ⊙ W + c̄ ⊙ b,
 * W̄ = K̄ ⊙ g, the rest as {@link squashGateGrad}.
 * @internal
 */
export function squashLayerWeightsGrad(
  t: number,
  W: Float32Array,
  b: Float32Array,
  gK: Float32Array,
  hK: Float32Array,
  gate: Float32Array,
  kBar: Float32Array,
  cBar: Float32Array,
  [WBar, ...rest]: Buffers<5>,
): number {
  const out = gate.length;
  const gateBar = new Float64Array(out);
  for (let row = 0; row < W.length; row += out) {
    for (let j = 0; j < out; j++) {
      const kb = kBar[row + j] as number;
      gateBar[j] = (gateBar[j] as number) + kb * (W[row + j] as number);
      WBar[row + j] = kb * (gate[j] as number);
    }
  }
  return squashGateGrad(t, b, gK, hK, gate, gateBar, cBar, rest);
}

/**
 * A concat-squash field's time-dependent weights as ONE kernel: inputs t, then per layer W `[in, out]`,
 * b `[out]`, W_g `[1, out]`, b_g `[out]`, W_h `[1, out]`; outputs per layer the gate g = σ(t W_g + b_g),
 * the kernel K = W ⊙ g (g along the columns) and the shift c = b ⊙ g + t W_h. No registered gradient:
 * it runs inside the fused op, whose backward pass is {@link squashWeightsGradKernel}.
 */
const squashWeightsKernel: HostKernel<SquashWeightAttrs> = defineHostKernel<SquashWeightAttrs>({
  name: 'Bijective.SquashWeights',
  outputShapes: (shapes, { layers }) =>
    Array.from({ length: layers }, (_, l) => {
      const kernel = shapes[1 + 5 * l] as readonly number[];
      const out = kernel[1] as number;
      return [[out], [...kernel], [out]];
    }).flat(),
  run(inputs, outputs, shapes, { layers }) {
    const t = (inputs[0] as Float32Array)[0] as number;
    for (let l = 0; l < layers; l++) {
      const [W, b, gK, gB, hK] = inputs.slice(1 + 5 * l, 6 + 5 * l) as Buffers<5>;
      const [gate, K, shift] = outputs.slice(3 * l, 3 * l + 3) as Buffers<3>;
      squashLayerWeights(t, W, b, gK, gB, hK, gate, K, shift);
    }
  },
});

/**
 * The backward pass of {@link squashWeightsKernel} as ONE kernel: inputs t, then per layer W, b, W_g,
 * W_h, its gate g and the gradients K̄ `[in, out]` and c̄ `[out]` of its kernel and shift; outputs the
 * gradients of every layer's (W, b, W_g, b_g, W_h), flattened and concatenated in that order when
 * `packed` (the packed input of the fused op) or one per variable in its shape, then t̄ (a scalar):
 * ḡ = Σ_rows K̄ ⊙ W + c̄ ⊙ b, p̄ = ḡ ⊙ g (1 − g), W̄ = K̄ ⊙ g, b̄ = c̄ ⊙ g, W̄_g = t p̄, b̄_g = p̄,
 * W̄_h = t c̄, t̄ = Σ_l Σ (p̄ ⊙ W_g + c̄ ⊙ W_h).
 */
const squashWeightsGradKernel: HostKernel<SquashWeightAttrs> = defineHostKernel<SquashWeightAttrs>({
  name: 'Bijective.SquashWeightsGrad',
  outputShapes: (shapes, { layers, packed }) => {
    const perLayer = Array.from({ length: layers }, (_, l) => {
      const kernel = shapes[1 + 7 * l] as readonly number[];
      const out = kernel[1] as number;
      return [[...kernel], [out], [1, out], [out], [1, out]];
    }).flat();
    const size = perLayer.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    return [...(packed ? [[size]] : perLayer), []];
  },
  run(inputs, outputs, shapes, { layers, packed }) {
    const t = (inputs[0] as Float32Array)[0] as number;
    let offset = 0;
    let tBar = 0;
    // Packed: views into the one flat output, in the layout of the packed parameters.
    const target = (l: number, v: number, size: number): Float32Array => {
      if (!packed) return outputs[5 * l + v] as Float32Array;
      const view = (outputs[0] as Float32Array).subarray(offset, offset + size);
      offset += size;
      return view;
    };
    for (let l = 0; l < layers; l++) {
      const [W, b, gK, hK, gate, kBar, cBar] = inputs.slice(1 + 7 * l, 8 + 7 * l) as Buffers<7>;
      const out = (shapes[1 + 7 * l] as readonly number[])[1] as number;
      const grads: Buffers<5> = [
        target(l, 0, W.length),
        target(l, 1, out),
        target(l, 2, out),
        target(l, 3, out),
        target(l, 4, out),
      ];
      tBar += squashLayerWeightsGrad(t, W, b, gK, hK, gate, kBar, cBar, grads);
    }
    (outputs[outputs.length - 1] as Float32Array)[0] = tBar;
  },
});

/** One concat-squash layer's parameters (in `ConcatSquashField.variables` order). */
interface SquashLayerParams {
  kernel: tf.Tensor;
  bias: tf.Tensor;
  gateKernel: tf.Tensor;
  gateBias: tf.Tensor;
  hyperKernel: tf.Tensor;
}

/**
 * Every layer's gate, effective kernel and shift at time t in one kernel.
 * @internal
 */
export function squashWeights(
  layers: readonly SquashLayerParams[],
  t: tf.Scalar,
): { gates: tf.Tensor[]; kernels: tf.Tensor[]; shifts: tf.Tensor[] } {
  const inputs = [t, ...layers.flatMap((l) => [l.kernel, l.bias, l.gateKernel, l.gateBias, l.hyperKernel])];
  const out = squashWeightsKernel(inputs, { layers: layers.length, packed: false });
  return {
    gates: layers.map((_, l) => out[3 * l] as tf.Tensor),
    kernels: layers.map((_, l) => out[3 * l + 1] as tf.Tensor),
    shifts: layers.map((_, l) => out[3 * l + 2] as tf.Tensor),
  };
}

/**
 * The parameter gradients of every layer from its kernel and shift gradients (packed into one flat
 * tensor, or one per variable), and t̄, in one kernel.
 * @internal
 */
export function squashWeightsGrad(
  layers: readonly SquashLayerParams[],
  t: tf.Scalar,
  gates: readonly tf.Tensor[],
  kernelBars: readonly tf.Tensor[],
  shiftBars: readonly tf.Tensor[],
  packed: boolean,
): { paramGrads: tf.Tensor[]; tBar: tf.Tensor } {
  const inputs = [
    t,
    ...layers.flatMap((l, i) => [
      l.kernel,
      l.bias,
      l.gateKernel,
      l.hyperKernel,
      gates[i] as tf.Tensor,
      kernelBars[i] as tf.Tensor,
      shiftBars[i] as tf.Tensor,
    ]),
  ];
  const out = squashWeightsGradKernel(inputs, { layers: layers.length, packed });
  return { paramGrads: out.slice(0, -1), tBar: out[out.length - 1] as tf.Tensor };
}
