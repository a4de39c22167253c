import * as tf from '@tensorflow/tfjs-core';
import {
  OptionError,
  ShapeError,
  activation,
  dense,
  hostRng,
  type ActivationName,
  type HostRng,
} from '@bijective/core';
import { connectivity, hiddenDegrees, inputDegrees, type InputOrder } from './degrees.js';

/** Options of {@link MADE}. */
export interface MADEOptions {
  /** Number of autoregressive inputs D. */
  inputSize: number;
  /** Hidden widths, e.g. `[64, 64]` (at least one layer). */
  hidden: number[];
  /** Outputs per input dimension (e.g. 2: shift and log-scale); default 2. */
  outputsPerInput?: number;
  /** Input order (degrees); default `natural`. */
  order?: InputOrder;
  /** Width of a flattened conditioning input (conditional MADE); default 0 (none). */
  contextSize?: number;
  /** Hidden activation; default `relu`. */
  activation?: ActivationName;
  /** Residual connections h + act(W h + b) between hidden layers of equal width (He et al. 2016); default false. */
  residual?: boolean;
  /** Start the output layer at zero (a flow built on it starts as the identity); default true. */
  zeroInitOutput?: boolean;
  /** Seed of the initialisation and of a `random` order; default 0. */
  seed?: number;
}

/** One masked layer: a trainable kernel, its constant 0/1 mask and a bias. */
interface MaskedLayer {
  kernel: tf.Variable<tf.Rank.R2>;
  mask: tf.Tensor2D;
  bias: tf.Variable<tf.Rank.R1>;
}

function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new OptionError(`MADE: ${what} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Host mask ⊙ Glorot-uniform kernel U(±sqrt(6/(in+out))), or zeros (Glorot & Bengio 2010). */
function maskedKernel(
  rng: HostRng,
  mask: Float32Array,
  fanIn: number,
  fanOut: number,
  zero: boolean,
): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return mask.map((m) => (zero ? 0 : m * (2 * rng.uniform() - 1) * limit));
}

/**
 * MADE, the masked autoencoder for distribution estimation (Germain et al. 2015): dense layers
 * h_l = act((M_l ⊙ W_l) h_{l-1} + b_l) whose constant masks M_l, built on the host from input and
 * hidden degrees, make output (p, i) a function of the inputs j with m₀(j) < m₀(i) only, plus an
 * optional context that enters every unit of the first hidden layer and of the output layer unmasked
 * (so even the first dimension in the order depends on it).
 */
export class MADE {
  /** Input degrees m₀(i) ∈ 1..D: the autoregressive order. */
  readonly degrees: readonly number[];
  /** Outputs per input dimension. */
  readonly outputsPerInput: number;
  /** Width of the flattened context (0 when unconditional). */
  readonly contextSize: number;
  private readonly layers: MaskedLayer[];
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private readonly residual: boolean;

  /** Builds the masks and initialises the weights; bad sizes throw an OptionError. */
  constructor(options: MADEOptions) {
    const d = checkCount(options.inputSize, 'inputSize', 1);
    const hidden = Array.isArray(options.hidden) ? options.hidden : [];
    if (hidden.length === 0) throw new OptionError('MADE: hidden must list at least one width');
    hidden.forEach((h, i) => checkCount(h, `hidden[${i}]`, 1));
    this.outputsPerInput = checkCount(options.outputsPerInput ?? 2, 'outputsPerInput', 1);
    this.contextSize = checkCount(options.contextSize ?? 0, 'contextSize', 0);
    this.act = activation(options.activation ?? 'relu');
    this.residual = options.residual ?? false;
    const seed = options.seed ?? 0;
    this.degrees = inputDegrees(d, options.order ?? 'natural', seed);
    const rng = hostRng(seed ^ 0x5bd1e995);
    const outDegrees = Array.from({ length: this.outputsPerInput }, () => this.degrees).flat();
    const layerDegrees = [this.degrees, ...hidden.map((h) => hiddenDegrees(h, d)), outDegrees];
    this.layers = tf.tidy(() =>
      layerDegrees.slice(1).map((to, l) => {
        const from = layerDegrees[l] as number[];
        const last = l === layerDegrees.length - 2;
        const extra = l === 0 || last ? this.contextSize : 0;
        const mask = new Float32Array((from.length + extra) * to.length).fill(1);
        mask.set(connectivity(from, to, last));
        const fanIn = from.length + extra;
        const values = maskedKernel(rng, mask, fanIn, to.length, last && (options.zeroInitOutput ?? true));
        return {
          kernel: tf.variable(tf.tensor2d(values, [fanIn, to.length])),
          mask: tf.tensor2d(mask, [fanIn, to.length]),
          bias: tf.variable(tf.zeros([to.length]) as tf.Tensor1D),
        };
      }),
    );
  }

  /** Kernels and biases, input layer first. */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.kernel, l.bias]);
  }

  /** The constant masks M_l, input layer first (context rows, all ones, last in the first and the output layer). */
  get masks(): readonly tf.Tensor2D[] {
    return this.layers.map((l) => l.mask);
  }

  /** Maps `[n, D]` (and a context `[n, contextSize]`) to `[n, P·D]`: column p·D + i is output p of dimension i. */
  apply(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D {
    if ((context !== undefined) !== this.contextSize > 0) {
      throw new ShapeError(
        `MADE: built for a context of width ${this.contextSize}, called ${context ? 'with' : 'without'} one`,
      );
    }
    return tf.tidy(() => {
      let h: tf.Tensor2D = context ? tf.concat([x, context], 1) : x;
      this.layers.forEach((layer, i) => {
        const last = i === this.layers.length - 1;
        const input = last && i > 0 && context ? tf.concat([h, context], 1) : h;
        const z = dense(input, tf.mul(layer.kernel, layer.mask), layer.bias);
        if (last) h = z;
        else if (this.residual && i > 0 && z.shape[1] === h.shape[1]) h = tf.add(h, this.act(z));
        else h = this.act(z) as tf.Tensor2D;
      });
      return h;
    });
  }

  /** The P outputs per dimension as P tensors `[n, D]` (e.g. shift and log-scale). */
  outputs(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D[] {
    return tf.tidy(() => tf.split(this.apply(x, context), this.outputsPerInput, 1));
  }

  /** Frees the kernels, biases and masks. */
  dispose(): void {
    for (const l of this.layers) tf.dispose([l.kernel, l.mask, l.bias]);
  }
}
