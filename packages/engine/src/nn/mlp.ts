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
  /** Seed of the Glorot-uniform initialisation (default 0). */
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

/** Glorot-uniform kernel U(±sqrt(6/(in+out))) drawn on the host from a seeded generator (Glorot & Bengio 2010). */
function glorotKernel(rng: HostRng, fanIn: number, fanOut: number, zero: boolean): tf.Tensor2D {
  if (zero) return tf.zeros([fanIn, fanOut]);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.tensor2d(
    Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.uniform() - 1) * limit),
    [fanIn, fanOut],
  );
}

/**
 * A multilayer perceptron used as the conditioner of every flow family: dense layers with the
 * wasm-friendly gradient, a hidden activation, optional residual connections and a zero-initialised
 * output layer.
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
        const last = i === sizes.length - 2;
        return {
          kernel: tf.variable(glorotKernel(rng, fanIn, fanOut, last && zeroOutput)),
          bias: tf.variable(tf.zeros([fanOut]) as tf.Tensor1D),
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
