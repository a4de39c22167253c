import type * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from '@bijective/core';
import { MLP } from '../nn/mlp.js';
import { defineHostKernel } from '../kernels/host-kernel.js';

/** The kernel and bias shapes of an MLP with `widths`: [in, out], [out] per dense layer. */
function pieceShapes(widths: readonly number[]): number[][] {
  return widths.slice(1).flatMap((out, i) => [[widths[i] as number, out], [out]]);
}

/** Attributes of the θ kernels: the MLP widths and, per kernel, a 0/1 mask (all masks concatenated, `[]` when none). */
type LayoutAttrs = { widths: readonly number[]; masks: readonly number[] };

/** out[i] = src[i]·mask[offset + i] where `masked`, else a copy. */
function copyMasked(
  out: Float32Array,
  src: Float32Array,
  masks: readonly number[],
  offset: number | null,
): void {
  if (offset === null) {
    out.set(src);
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = src[i]! * masks[offset + i]!;
}

/** The offset of each kernel's mask in the concatenated masks, or null for every piece when unmasked (biases always). */
function maskOffsets({ widths, masks }: LayoutAttrs): (number | null)[] {
  let offset = 0;
  return pieceShapes(widths).map((shape) => {
    if (shape.length === 1 || masks.length === 0) return null;
    const at = offset;
    offset += (shape[0] as number) * (shape[1] as number);
    return at;
  });
}

/** θ `[size]` -> kernel₁ `[in, out]` (⊙ M₁ when masked), bias₁, ..., bias_L: consecutive pieces, each copied out. */
const splitParameters = defineHostKernel<LayoutAttrs>({
  name: 'Bijective.SplitParameters',
  outputShapes: (_, { widths }) => pieceShapes(widths),
  linearGradient: (dys, attrs) => concatParameters(dys, attrs),
  run([theta], pieces, _shapes, attrs) {
    const offsets = maskOffsets(attrs);
    let offset = 0;
    pieces.forEach((piece, k) => {
      copyMasked(
        piece,
        (theta as Float32Array).subarray(offset, offset + piece.length),
        attrs.masks,
        offsets[k]!,
      );
      offset += piece.length;
    });
  },
});

/** kernel₁, bias₁, ..., bias_L -> θ `[size]` (kernel gradients ⊙ their masks): the adjoint of the split. */
const concatParameters = defineHostKernel<LayoutAttrs>({
  name: 'Bijective.ConcatParameters',
  outputShapes: (shapes) => [[shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0)]],
  run(pieces, [theta], _shapes, attrs) {
    const offsets = maskOffsets(attrs);
    let offset = 0;
    pieces.forEach((piece, k) => {
      copyMasked(
        (theta as Float32Array).subarray(offset, offset + piece.length),
        piece,
        attrs.masks,
        offsets[k]!,
      );
      offset += piece.length;
    });
  },
});
import type { LayerWeights } from './conditioner-math.js';

/** Where one dense layer's weights sit in θ: kernel `[rows, cols]` row-major at `kernel`, bias `[cols]` at `bias` (float offsets), and the kernel's 0/1 mask or null. @internal */
export interface DensePlace {
  /** Input width. */
  rows: number;
  /** Output width. */
  cols: number;
  /** Offset of the kernel in θ. */
  kernel: number;
  /** Offset of the bias in θ. */
  bias: number;
  /** The kernel's mask (row-major), or null. */
  mask: Float32Array | null;
}

/**
 * The layout of one coupling layer's conditioner weights in a single flat variable θ: kernel₁, bias₁,
 * ..., kernel_L, bias_L, each row-major. One variable per layer instead of two per dense layer keeps
 * an optimiser's per-variable work (Adam: ~10 kernels per variable per step) from dominating small
 * flows. (Slicing cost in tfjs's wasm backend grows with the sliced tensor, so θ stays per layer.)
 */
export class ParameterLayout {
  /** Scalars in θ. */
  readonly size: number;
  private readonly shapes: readonly (readonly [number, number])[];

  private readonly attrs: LayoutAttrs;
  /** Each dense layer's place in θ, input layer first, for host-side runs. @internal */
  readonly dense: readonly DensePlace[];

  /**
   * The layout of an MLP with widths `[input, ...hidden, output]`; with `masks` (one row-major 0/1
   * mask per kernel, e.g. a MADE's, Germain et al. 2015) the kernels come out as W ⊙ M and their
   * gradients go back as G ⊙ M, in the same host kernels (no multiply per kernel and step).
   */
  constructor(
    readonly widths: readonly number[],
    masks?: readonly ArrayLike<number>[],
  ) {
    this.shapes = widths.slice(1).map((out, i) => [widths[i] as number, out] as const);
    this.size = this.shapes.reduce((n, [rows, cols]) => n + (rows + 1) * cols, 0);
    this.attrs = { widths, masks: masks ? masks.flatMap((m) => Array.from(m)) : [] };
    let offset = 0;
    this.dense = this.shapes.map(([rows, cols], i) => {
      const place = {
        rows,
        cols,
        kernel: offset,
        bias: offset + rows * cols,
        mask: masks ? Float32Array.from(masks[i] as ArrayLike<number>) : null,
      };
      offset += (rows + 1) * cols;
      return place;
    });
  }

  /** The kernels and biases cut from θ, already shaped, by one host kernel (a split and reshapes are ~8 tfjs kernels); the caller owns them. */
  weights(theta: tf.Tensor1D): LayerWeights {
    const pieces = splitParameters([theta], this.attrs);
    return {
      kernels: this.shapes.map((_, i) => pieces[2 * i] as tf.Tensor2D),
      biases: this.shapes.map((_, i) => pieces[2 * i + 1] as tf.Tensor1D),
    };
  }

  /** Weight gradients back in θ's layout `[size]`, by one host kernel. */
  flatten(grads: LayerWeights): tf.Tensor1D {
    const parts = grads.kernels.flatMap((k, i) => [k, grads.biases[i] as tf.Tensor1D]);
    return concatParameters(parts, this.attrs)[0] as tf.Tensor1D;
  }

  /**
   * Initial θ from the engine's {@link MLP} initialisation (seeded: hidden kernels and biases from the
   * fan-in uniform U(±1/√fan_in), PyTorch's `nn.Linear` default; optionally a zero output layer so
   * that the layer starts as the identity).
   */
  initial(activation: ActivationName, seed: number, zeroInitOutput: boolean): Float32Array {
    const mlp = new MLP({
      inputSize: this.widths[0] as number,
      hiddenSizes: this.widths.slice(1, -1) as number[],
      outputSize: this.widths[this.widths.length - 1] as number,
      activation,
      zeroInitOutput,
      seed,
    });
    const theta = new Float32Array(this.size);
    let offset = 0;
    for (const v of mlp.variables) {
      theta.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    mlp.dispose();
    return theta;
  }
}
