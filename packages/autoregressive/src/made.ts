import * as tf from '@tensorflow/tfjs-core';
import {
  OptionError,
  ShapeError,
  hostRng,
  previewJson,
  type ActivationName,
  type HostRng,
} from '@bijective/core';
import { CONDITIONER_ACTIVATIONS, fanInUniform, glorotUniform, maskedKernel } from '@bijective/engine';
import {
  inputDegrees,
  madeMasks,
  type HostMask,
  type InputOrder,
  maskedNetwork,
  type MaskedNetworkSpec,
} from '@bijective/engine';

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

function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new OptionError(`MADE: ${what} must be an integer >= ${min}, got ${previewJson(value)}`);
  }
  return value;
}

/**
 * Host mask ⊙ the layer's initial kernel (context rows below the mask are unmasked): hidden layers
 * from the fan-in uniform U(±1/√fan_in) ({@link fanInUniform}, PyTorch's `nn.Linear` default; He et
 * al. 2015), the output layer zero or Glorot-uniform (Glorot & Bengio 2010).
 */
function initialKernel(
  rng: HostRng,
  mask: HostMask,
  fanIn: number,
  output: boolean,
  zero: boolean,
): Float32Array {
  const count = fanIn * mask.cols;
  if (output && zero) return new Float32Array(count);
  const values = output ? glorotUniform(rng, fanIn, mask.cols, count) : fanInUniform(rng, fanIn, count);
  for (let i = 0; i < mask.values.length; i++) values[i]! *= mask.values[i] as number;
  return values;
}

/**
 * MADE, the masked autoencoder for distribution estimation (Germain et al. 2015): dense layers
 * h_l = act((M_l ⊙ W_l) h_{l-1} + b_l) whose constant masks M_l, built on the host from input and
 * hidden degrees ({@link madeMasks}), make output (p, i) a function of the inputs j with
 * m₀(j) < m₀(i) only, plus an optional context that enters the first hidden layer unmasked and
 * reaches every output through hidden units of degree 0 (so even the first dimension in the order
 * depends on it). The masked affine and spline layers run the same network on their own weights
 * ({@link maskedNetwork}); this class owns its weights, a kernel and a bias per layer.
 */
export class MADE {
  /** Input degrees m₀(i) ∈ 1..D: the autoregressive order. */
  readonly degrees: readonly number[];
  /** Outputs per input dimension. */
  readonly outputsPerInput: number;
  /** Width of the flattened context (0 when unconditional). */
  readonly contextSize: number;
  private readonly kernels: tf.Variable<tf.Rank.R2>[];
  private readonly biases: tf.Variable<tf.Rank.R1>[];
  private readonly maskTensors: tf.Tensor2D[];
  private readonly spec: MaskedNetworkSpec;
  private readonly residual: boolean;

  /** Builds the masks and initialises the weights; bad sizes throw an OptionError. */
  constructor(options: MADEOptions) {
    const d = checkCount(options.inputSize, 'inputSize', 1);
    const hidden = Array.isArray(options.hidden) ? options.hidden : [];
    if (hidden.length === 0) throw new OptionError('MADE: hidden must list at least one width');
    hidden.forEach((h, i) => checkCount(h, `hidden[${i}]`, 1));
    this.outputsPerInput = checkCount(options.outputsPerInput ?? 2, 'outputsPerInput', 1);
    this.contextSize = checkCount(options.contextSize ?? 0, 'contextSize', 0);
    this.residual = options.residual ?? false;
    const seed = options.seed ?? 0;
    this.degrees = inputDegrees(d, options.order ?? 'natural', seed);
    const rng = hostRng(seed ^ 0x5bd1e995);
    const masks = madeMasks(this.degrees, hidden, this.outputsPerInput, this.contextSize > 0);
    const zeroOutput = options.zeroInitOutput ?? true;
    this.maskTensors = masks.map((m) => tf.tensor2d(m.values, [m.rows, m.cols]));
    // In tidies: the initial tensors are freed, the variables keep their data.
    const kernels: tf.Variable<tf.Rank.R2>[] = [];
    const biases: tf.Variable<tf.Rank.R1>[] = [];
    masks.forEach((m, l) => {
      const fanIn = m.rows + (l === 0 ? this.contextSize : 0);
      const output = l === masks.length - 1;
      const values = initialKernel(rng, m, fanIn, output, zeroOutput);
      const bias = output ? new Float32Array(m.cols) : fanInUniform(rng, fanIn, m.cols);
      kernels.push(tf.tidy(() => tf.variable(tf.tensor2d(values, [fanIn, m.cols]))));
      biases.push(tf.tidy(() => tf.variable(tf.tensor1d(bias))));
    });
    this.kernels = kernels;
    this.biases = biases;
    const [inputMask, ...kernelMasks] = this.maskTensors as [tf.Tensor2D, ...tf.Tensor2D[]];
    this.spec = {
      inputMap: maskedKernel(inputMask),
      inputRows: d,
      kernelMaps: kernelMasks.map(maskedKernel),
      activation: CONDITIONER_ACTIVATIONS[options.activation ?? 'relu'],
    };
  }

  /** Kernels and biases, input layer first. */
  get variables(): tf.Variable[] {
    return this.kernels.flatMap((k, l) => [k, this.biases[l] as tf.Variable]);
  }

  /** The constant masks M_l, input layer first; the first covers the D input rows (context rows are unmasked). */
  get masks(): readonly tf.Tensor2D[] {
    return this.maskTensors;
  }

  /** Maps `[n, D]` (and a context `[n, contextSize]`) to `[n, P·D]`: column p·D + i is output p of dimension i. */
  apply(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D {
    if ((context !== undefined) !== this.contextSize > 0) {
      throw new ShapeError(
        `MADE: built for a context of width ${this.contextSize}, called ${context ? 'with' : 'without'} one`,
      );
    }
    return tf.tidy(() =>
      maskedNetwork(
        this.spec,
        { kernels: this.kernels, biases: this.biases },
        this.residual,
      )(x, context ?? null),
    );
  }

  /** The P outputs per dimension as P tensors `[n, D]` (e.g. shift and log-scale). */
  outputs(x: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D[] {
    return tf.tidy(() => tf.split(this.apply(x, context), this.outputsPerInput, 1));
  }

  /** Frees the kernels, biases and masks. */
  dispose(): void {
    tf.dispose([...this.kernels, ...this.biases, ...this.maskTensors]);
  }
}
