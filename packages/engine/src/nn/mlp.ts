import * as tf from '@tensorflow/tfjs-core';
import {
  OptionError,
  hostRng,
  type HostRng,
  activation,
  type ActivationName,
  previewJson,
} from '@bijective/core';
import { dense } from './dense.js';
import { fanInUniform, glorotUniform } from './init.js';

/** Options of {@link MLP}. */
export interface MLPOptions {
  /** Input width. */
  inputSize: number;
  /** Output width. */
  outputSize: number;
  /** Hidden widths, e.g. `[64, 64]`. */
  hiddenSizes: number[];
  /** Hidden activation (default `relu`). */
  activation?: ActivationName;
  /** Residual connections h + act(W h + b) between hidden layers of equal width (He et al. 2016); default false. */
  residual?: boolean;
  /** Start the output layer at zero so that a flow built on it starts as the identity; default true. */
  zeroInitOutput?: boolean;
  /** Seed of the initialisation (default 0). */
  seed?: number;
}

interface Layer {
  kernel: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
}

function checkWidth(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new OptionError(`MLP: ${what} must be a positive integer, got ${previewJson(value)}`);
  }
  return value;
}

/**
 * One dense layer's start: hidden layers draw kernel and bias from the fan-in uniform
 * U(±1/√fan_in) ({@link fanInUniform}, PyTorch's `nn.Linear` default); the output layer is zero
 * (`zero`) or a Glorot-uniform kernel with a zero bias.
 */
function initialLayer(
  rng: HostRng,
  fanIn: number,
  fanOut: number,
  output: boolean,
  zero: boolean,
): { kernel: Float32Array; bias: Float32Array } {
  if (!output) {
    const kernel = fanInUniform(rng, fanIn, fanIn * fanOut);
    return { kernel, bias: fanInUniform(rng, fanIn, fanOut) };
  }
  const kernel = zero ? new Float32Array(fanIn * fanOut) : glorotUniform(rng, fanIn, fanOut, fanIn * fanOut);
  return { kernel, bias: new Float32Array(fanOut) };
}

/**
 * A multilayer perceptron used as the conditioner of every flow family: dense layers with the
 * wasm-friendly gradient, a hidden activation, optional residual connections and a zero-initialised
 * output layer. Hidden kernels and biases start at the fan-in uniform U(±1/√fan_in) (PyTorch's
 * `nn.Linear` default; He et al. 2015), so a flow built on it still starts as the identity.
 */
export class MLP {
  private readonly layers: Layer[];
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private readonly residual: boolean;

  /** Builds and initialises the network. */
  constructor(readonly options: MLPOptions) {
    const sizes = [
      checkWidth(options.inputSize, 'inputSize'),
      ...(Array.isArray(options.hiddenSizes) ? options.hiddenSizes : [NaN]).map((h, i) =>
        checkWidth(h, `hiddenSizes[${i}]`),
      ),
      checkWidth(options.outputSize, 'outputSize'),
    ];
    this.act = activation(options.activation ?? 'relu');
    this.residual = options.residual ?? false;
    const rng = hostRng(options.seed ?? 0);
    const zeroOutput = options.zeroInitOutput ?? true;
    this.layers = tf.tidy(() =>
      sizes.slice(1).map((fanOut, i) => {
        const fanIn = sizes[i] as number;
        const { kernel, bias } = initialLayer(rng, fanIn, fanOut, i === sizes.length - 2, zeroOutput);
        return {
          kernel: tf.variable(tf.tensor2d(kernel, [fanIn, fanOut])),
          bias: tf.variable(tf.tensor1d(bias)),
        };
      }),
    );
  }

  /** Kernels and biases, input layer first. */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.kernel, l.bias]);
  }

  /** Applies the network to a batch `[n, inputSize]` -> `[n, outputSize]`. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.layers.forEach((layer, i) => {
        const z = dense(h, layer.kernel, layer.bias);
        if (i === this.layers.length - 1) h = z;
        else if (this.residual && i > 0 && z.shape[1] === h.shape[1])
          h = tf.add(h, this.act(z)) as tf.Tensor2D;
        else h = this.act(z) as tf.Tensor2D;
      });
      return h;
    });
  }

  /** Frees every kernel and bias. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
