import * as tf from '@tensorflow/tfjs-core';
import { hostRng, type HostRng } from '@bijective/core';
import {
  ACTIVATION_PAIRS,
  FIELD_ACTIVATIONS,
  sigmoid,
  type ActivationPair,
  type FieldActivation,
  type FieldActivationName,
} from './activations.js';
import { affine, matMul } from './linear.js';
import { squashAtTimes } from './squash-at-times-kernel.js';
import { packSquashParams, squashVjpOp, type SquashVjpOp } from './squash-vjp-op.js';
import { wasmSquashFieldAvailable } from './squash-wasm-kernels.js';
import { squashTraceOp, type SquashTraceCall, type SquashTraceOp } from './squash-trace-op.js';

/** Options of a {@link ConcatSquashField}. */
export interface ConcatSquashFieldOptions {
  /** Width of the state z (the event size plus any augmented dimensions). */
  stateSize: number;
  /** Hidden widths, e.g. `[64, 64, 64]`. */
  hidden: readonly number[];
  /** Hidden activation (second-order exact). */
  activation: FieldActivationName;
  /** Width of the conditioning context (0: unconditional). */
  contextSize: number;
  /** Start at f ≡ 0 (the identity flow): zero output weights, bias and hyper-bias. */
  zeroInitOutput: boolean;
  /** Seed of the initialisation. */
  seed: number;
}

/** One concat-squash layer's variables: the main affine map and its time (and context) hypernetwork. */
interface SquashLayer {
  /** W `[in, out]`. */
  kernel: tf.Variable;
  /** b `[out]`. */
  bias: tf.Variable;
  /** Gate weights `[1 + c, out]`: σ([t, c] W_g + b_g) scales the layer's output. */
  gateKernel: tf.Variable;
  /** Gate bias `[out]`. */
  gateBias: tf.Variable;
  /** Hyper-bias weights `[1 + c, out]`: [t, c] W_h is added to the layer's output. */
  hyperKernel: tf.Variable;
}

/** One layer's affine map h -> a at a fixed time (and context), with its vector-Jacobian product. */
interface LayerMap {
  /** The pre-activation a of a batch h. */
  apply(h: tf.Tensor2D): tf.Tensor2D;
  /** vᵀ ∂a/∂h row by row. */
  vjp(v: tf.Tensor2D): tf.Tensor2D;
}

/** U(−limit, limit) `[rows, cols]` drawn on the host. */
function uniform(rng: HostRng, shape: number[], limit: number, zero = false): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (zero || limit === 0) return tf.zeros(shape);
  return tf.tensor(
    Float32Array.from({ length: size }, () => (2 * rng.uniform() - 1) * limit),
    shape,
  );
}

/**
 * The time-conditioned vector field f(z, t[, c]) of FFJORD (Grathwohl et al. 2019): a stack of
 * concat-squash layers h' = (h W + b) ⊙ σ([t, c] W_g + b_g) + [t, c] W_h with a second-order exact
 * activation between them. Without a context the gate and hyper-bias are rows shared by the batch and
 * fold into the layer's weights, h' = h (W ⊙ g) + (b ⊙ g + t W_h): one fused product per layer.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { useBackend } from '@bijective/core';
 * import { ConcatSquashField } from '@bijective/cnf';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const field = new ConcatSquashField({ stateSize: 2, hidden: [64, 64], activation: 'tanh', contextSize: 0, zeroInitOutput: false, seed: 0 });
 * const z = tf.randomNormal([4, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
 * const e = tf.randomNormal([4, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
 * const f = field.apply(z, tf.scalar(0.25));                        // f(z, t) [n, 2]
 * const { value, vjp } = field.valueAndVjp(z, tf.scalar(0.25), e); // f and eᵀ ∂f/∂z in one pass
 * console.log(f.shape, value.shape, vjp.shape);
 * ```
 */
export class ConcatSquashField {
  /** The layers, input first. */
  private readonly layers: SquashLayer[];
  private readonly act: FieldActivation;
  private readonly pair: ActivationPair;
  private fused: SquashVjpOp | null = null;
  private fusedTrace: SquashTraceOp | null = null;

  /** Builds and initialises the field (Glorot-uniform main kernels, U(±1/√fan_in) hypernetworks). */
  constructor(readonly options: ConcatSquashFieldOptions) {
    const rng = hostRng(options.seed);
    const sizes = [options.stateSize, ...options.hidden, options.stateSize];
    const hyperIn = 1 + options.contextSize;
    this.act = FIELD_ACTIVATIONS[options.activation];
    this.pair = ACTIVATION_PAIRS[options.activation];
    this.layers = tf.tidy(() =>
      sizes.slice(1).map((fanOut, i) => {
        const fanIn = sizes[i] as number;
        const zero = options.zeroInitOutput && i === sizes.length - 2;
        const hyperLimit = 1 / Math.sqrt(hyperIn);
        return {
          kernel: tf.variable(uniform(rng, [fanIn, fanOut], Math.sqrt(6 / (fanIn + fanOut)), zero)),
          bias: tf.variable(tf.zeros([fanOut])),
          gateKernel: tf.variable(uniform(rng, [hyperIn, fanOut], hyperLimit)),
          gateBias: tf.variable(uniform(rng, [fanOut], hyperLimit)),
          hyperKernel: tf.variable(uniform(rng, [hyperIn, fanOut], hyperLimit, zero)),
        };
      }),
    );
  }

  /** Every variable, layer by layer (kernel, bias, gate kernel, gate bias, hyper-bias kernel). */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.kernel, l.bias, l.gateKernel, l.gateBias, l.hyperKernel]);
  }

  /**
   * f(z, t[, c]) for a batch z `[n, stateSize]` at the scalar time `t` and an optional context
   * `[n, contextSize]`, with second-order exact activations (for autodiff trace estimators); records
   * on any open tape (no tidy of its own).
   */
  apply(z: tf.Tensor2D, t: tf.Scalar, context?: tf.Tensor2D): tf.Tensor2D {
    const last = this.layers.length - 1;
    const maps = this.layerMaps(t, context, true);
    let h: tf.Tensor2D = z;
    maps.forEach((map, i) => {
      const out = map.apply(h);
      h = (i === last ? out : this.act(out)) as tf.Tensor2D;
    });
    return h;
  }

  /**
   * The variables flattened and concatenated in {@link ConcatSquashField.variables} order, recorded on
   * any open tape: made once per solve and handed to every {@link ConcatSquashField.valueAndVjp} of
   * that solve, the parameter gradients of its evaluations accumulate in this one tensor (one add per
   * evaluation instead of one per variable) and split back into the variables once.
   */
  packedVariables(): tf.Tensor1D {
    return packSquashParams(this.layers);
  }

  /**
   * f(z, t[, c]) and the vector-Jacobian products eᵀ ∂f/∂z row by row (`e` of z's shape, or without a
   * context m probes stacked along the batch, `[m·n, D]`: f is then evaluated once, the VJP has e's
   * shape), by the chain rule through the layers: v ← (v ⊙ a'(pre-activation)) W'ᵀ from the output back to z. One
   * more backward pass (the parameter gradient of a trace) is exact: without a context it runs the
   * hand-written backward of one fused op, with a context ordinary ops. `packed`, from
   * {@link ConcatSquashField.packedVariables} at the current values, routes the parameter gradient of
   * the unconditional field through that tensor (a context ignores it).
   */
  valueAndVjp(
    z: tf.Tensor2D,
    t: tf.Scalar,
    e: tf.Tensor2D,
    context?: tf.Tensor2D,
    packed?: tf.Tensor1D,
  ): { value: tf.Tensor2D; vjp: tf.Tensor2D } {
    if (context !== undefined) return this.composedValueAndVjp(z, t, e, context);
    this.fused ??= squashVjpOp(this.layers, this.pair);
    const n = z.shape[0];
    const rows = e.shape[0];
    if (rows === n || (this.options.activation === 'tanh' && wasmSquashFieldAvailable())) {
      // One split of the stacked rows (and one concat of their gradients), not two slices and pads.
      const [value, vjp] = tf.split(this.fused(z, e, t, packed), [n, rows], 0) as [tf.Tensor2D, tf.Tensor2D];
      return { value, vjp };
    }
    // Several probes on tfjs ops: z tiled, f kept for the first copy.
    const stacked = this.fused(tf.tile(z, [rows / n, 1]) as tf.Tensor2D, e, t, packed);
    return {
      value: tf.slice(stacked, [0, 0], [n, -1]) as tf.Tensor2D,
      vjp: tf.slice(stacked, [rows, 0], [rows, -1]) as tf.Tensor2D,
    };
  }

  /**
   * Whether {@link ConcatSquashField.scaledValueAndTrace} runs now: an unconditional tanh field on the
   * wasm backend with the engine's SIMD kernels.
   * @internal
   */
  traceKernelAvailable(): boolean {
    return this.options.contextSize === 0 && this.options.activation === 'tanh' && wasmSquashFieldAvailable();
  }

  /**
   * A CNF's dynamics on s ∈ [0, 1] and its trace estimate in one op: T f(z, sT) and
   * T w Σ_j eⱼᵀ (∂f/∂z) eⱼ per row (FFJORD, Grathwohl et al. 2019), with `call.frobenius` also
   * T² w Σ_j ‖eⱼᵀ ∂f/∂z‖² (RNODE, Finlay et al. 2020), one wasm kernel forward and one
   * backward, differentiable once in z, T and the variables (or `call.packed`). Only where
   * {@link ConcatSquashField.traceKernelAvailable}; records on any open tape.
   * @internal
   */
  scaledValueAndTrace(
    z: tf.Tensor2D,
    call: SquashTraceCall,
  ): { value: tf.Tensor2D; trace: tf.Tensor1D; frobenius?: tf.Tensor1D } {
    if (!this.traceKernelAvailable())
      throw new Error(
        'ConcatSquashField.scaledValueAndTrace: needs an unconditional tanh field on the wasm kernels',
      );
    this.fusedTrace ??= squashTraceOp(this.layers);
    return this.fusedTrace(z, call);
  }

  /**
   * {@link ConcatSquashField.valueAndVjp} composed of ordinary ops (the conditional field's path, and
   * the reference the fused op of the unconditional field is tested against).
   */
  composedValueAndVjp(
    z: tf.Tensor2D,
    t: tf.Scalar,
    e: tf.Tensor2D,
    context?: tf.Tensor2D,
  ): { value: tf.Tensor2D; vjp: tf.Tensor2D } {
    const last = this.layers.length - 1;
    const maps = this.layerMaps(t, context, false);
    const slopes: (tf.Tensor | null)[] = [];
    let h: tf.Tensor2D = z;
    maps.forEach((map, i) => {
      const out = map.apply(h);
      if (i === last) {
        slopes.push(null);
        h = out;
      } else {
        h = this.pair.value(out) as tf.Tensor2D;
        slopes.push(this.pair.derivative(out, h));
      }
    });
    let v: tf.Tensor2D = e;
    for (let i = last; i >= 0; i--) {
      const slope = slopes[i];
      v = (maps[i] as LayerMap).vjp(slope ? (tf.mul(v, slope) as tf.Tensor2D) : v);
    }
    return { value: h, vjp: v };
  }

  /** Each layer's affine map at time t (gates folded into the weights without a context). */
  private layerMaps(t: tf.Scalar, context: tf.Tensor2D | undefined, safeGate: boolean): LayerMap[] {
    const gateOf = safeGate ? sigmoid : (x: tf.Tensor) => tf.sigmoid(x);
    if (context === undefined) {
      return this.layers.map((layer) => {
        // Rank-1 rows [out] (tfjs's wasm fused product takes only a rank-1 bias, by its data's shape).
        const gate = gateOf(tf.add(tf.mul(tf.reshape(layer.gateKernel, [-1]), t), layer.gateBias));
        const shift = tf.add(tf.mul(layer.bias, gate), tf.mul(tf.reshape(layer.hyperKernel, [-1]), t));
        const kernel = tf.mul(layer.kernel, gate) as tf.Tensor2D;
        return {
          apply: (h) => affine(h, kernel, shift),
          vjp: (v) => matMul(v, tf.transpose(kernel)),
        };
      });
    }
    const hyperInput = tf.concat([tf.mul(tf.ones([context.shape[0], 1]), t), context], 1) as tf.Tensor2D;
    return this.rowMaps(hyperInput, gateOf);
  }

  /**
   * f(z, t_i[, c_i]) with one time per row, `t` `[n, 1]`: the concat-squash layers read [t_i, c_i]
   * row by row, as flow matching's regression onto (t, x_t, u_t) draws needs (Lipman et al. 2022).
   * ONE kernel forward and one backward (hand-written, first order only; the products on the
   * engine's wasm SIMD gemm on the wasm backend); records on any open tape.
   */
  applyAtTimes(z: tf.Tensor2D, t: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D {
    const hyperInput = context === undefined ? t : (tf.concat([t, context], 1) as tf.Tensor2D);
    return squashAtTimes(z, hyperInput, this.variables, this.options.activation);
  }

  /**
   * {@link ConcatSquashField.applyAtTimes} composed of ordinary ops (the reference its fused kernel
   * is tested against).
   */
  composedApplyAtTimes(z: tf.Tensor2D, t: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor2D {
    const hyperInput = context === undefined ? t : (tf.concat([t, context], 1) as tf.Tensor2D);
    const maps = this.rowMaps(hyperInput, (x) => tf.sigmoid(x));
    const last = maps.length - 1;
    let h: tf.Tensor2D = z;
    maps.forEach((map, i) => {
      const out = map.apply(h);
      h = (i === last ? out : this.pair.value(out)) as tf.Tensor2D;
    });
    return h;
  }

  /** Each layer's affine map for per-row hypernetwork inputs `[n, 1 + c]` ([t, c] row by row). */
  private rowMaps(hyperInput: tf.Tensor2D, gateOf: (x: tf.Tensor) => tf.Tensor): LayerMap[] {
    return this.layers.map((layer) => {
      const gate = gateOf(affine(hyperInput, layer.gateKernel as tf.Tensor2D, layer.gateBias));
      const shift = matMul(hyperInput, layer.hyperKernel as tf.Tensor2D);
      return {
        apply: (h) =>
          tf.add(tf.mul(affine(h, layer.kernel as tf.Tensor2D, layer.bias), gate), shift) as tf.Tensor2D,
        vjp: (v) => matMul(tf.mul(v, gate) as tf.Tensor2D, tf.transpose(layer.kernel as tf.Tensor2D)),
      };
    });
  }

  /** Frees every variable. */
  dispose(): void {
    for (const v of this.variables) if (!v.isDisposed) v.dispose();
  }
}
