import * as tf from '@tensorflow/tfjs-core';
import { conv2dSame, wasmConvNet, wasmSimdAvailable } from '@bijective/engine';

/** Glow's learned output scale: the last layer's output is multiplied by exp(3·u) (Conv2dZeros). */
const ZERO_CONV_SCALE = 3;

/**
 * A seeded N(0, σ²) variable of `shape`. @internal
 */
export function normalVariable(shape: number[], std: number, seed: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed)));
}

/** A zero variable of `shape`. @internal */
export function zeroVariable(shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros(shape)));
}

/**
 * A zero-initialised 3x3 convolution with a learned output scale, out = (conv(x, W) + b) ⊙ exp(3u)
 * (Glow's Conv2dZeros): a coupling or prior that starts at the identity. @internal
 */
export class ZeroConv {
  /** Filter `[3, 3, in, out]`, zero at the start. */
  readonly weight: tf.Variable;
  /** Bias `[out]`. */
  readonly bias: tf.Variable;
  /** Log output scale / 3, `[out]`. */
  readonly logScale: tf.Variable;

  /** A zero convolution from `inChannels` to `outChannels`. */
  constructor(inChannels: number, outChannels: number) {
    this.weight = zeroVariable([3, 3, inChannels, outChannels]);
    this.bias = zeroVariable([outChannels]);
    this.logScale = zeroVariable([outChannels]);
  }

  /** Its variables in saving order. */
  get variables(): tf.Variable[] {
    return [this.weight, this.bias, this.logScale];
  }

  /** The layer's output for `x` `[b, h, w, in]`. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const out = tf.add(conv2dSame(x, this.weight as tf.Tensor4D), this.bias);
    return tf.mul(out, tf.exp(tf.mul(this.logScale, ZERO_CONV_SCALE)));
  }
}

/**
 * Glow's coupling conditioner (Kingma & Dhariwal 2018, §3.3): 3x3 conv → ReLU → 1x1 conv → ReLU →
 * zero-initialised 3x3 conv ({@link ZeroConv}), 'same' padding; its convolutions train fast on wasm
 * through the engine's {@link conv2dSame}. @internal
 */
export class ConvNet {
  private readonly w1: tf.Variable;
  private readonly b1: tf.Variable;
  private readonly w2: tf.Variable;
  private readonly b2: tf.Variable;
  /** The zero-initialised last layer. */
  readonly last: ZeroConv;

  /** A conditioner from `inChannels` to `outChannels` through `hidden` channels, seeded. */
  constructor(inChannels: number, hidden: number, outChannels: number, seed: number) {
    this.w1 = normalVariable([3, 3, inChannels, hidden], 0.05, seed);
    this.b1 = zeroVariable([hidden]);
    this.w2 = normalVariable([1, 1, hidden, hidden], 0.05, seed + 1);
    this.b2 = zeroVariable([hidden]);
    this.last = new ZeroConv(hidden, outChannels);
  }

  /** Its variables in saving order. */
  get variables(): tf.Variable[] {
    return [this.w1, this.b1, this.w2, this.b2, ...this.last.variables];
  }

  /** The network's output for `x` `[b, h, w, in]` (on wasm through {@link ConvNet.lastConvolution}'s SIMD kernels). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    if (!wasmSimdAvailable()) return this.last.apply(this.hidden(x));
    const { bias, logScale } = this.last;
    return tf.mul(
      tf.add(this.lastConvolution(x), bias),
      tf.exp(tf.mul(logScale, ZERO_CONV_SCALE)),
    ) as tf.Tensor4D;
  }

  /**
   * The last layer's convolution before its bias and output scale, conv(hidden(x_a), W), on the
   * first `inChannels` channels x_a of `x` (what the coupling's fused kernel reads): on the wasm
   * backend the whole network and its gradients as the engine's own SIMD kernels, reading x_a in
   * place ({@link wasmConvNet}), elsewhere tfjs convolutions on a slice.
   */
  lastConvolution(x: tf.Tensor4D): tf.Tensor4D {
    const { weight } = this.last;
    const inChannels = this.w1.shape[2] as number;
    if (wasmSimdAvailable())
      return wasmConvNet(
        x,
        this.w1 as tf.Tensor4D,
        this.b1 as tf.Tensor1D,
        this.w2 as tf.Tensor4D,
        this.b2 as tf.Tensor1D,
        weight as tf.Tensor4D,
      );
    const a = x.shape[3] === inChannels ? x : tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, inChannels]);
    return conv2dSame(this.hidden(a), weight as tf.Tensor4D);
  }

  /** The second hidden layer's activations for `x` (the last layer's input). */
  hidden(x: tf.Tensor4D): tf.Tensor4D {
    const layer = (input: tf.Tensor4D, w: tf.Variable, b: tf.Variable) =>
      conv2dSame(input, w as tf.Tensor4D, { bias: b as tf.Tensor1D, activation: 'relu' });
    return layer(layer(x, this.w1, this.b1), this.w2, this.b2);
  }
}
