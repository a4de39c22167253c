import * as tf from '@tensorflow/tfjs-core';
import {
  eventSize,
  type ActivationName,
  type CallOptions,
  type EventShape,
  type ValueAndLogDet,
} from '@bijective/core';
import {
  FusedLayers,
  TransformOp,
  type Direction,
  type ElementwiseTransform,
  type FusedLayer,
  type LayerSpec,
  type LayerWeights,
  type TransformResult,
} from '../fused/index.js';
import { madeLayer } from './made-layer.js';
import { maskedNetwork } from './made-network.js';
import { isTapeActive } from '../tfjs/internals.js';

/** Everything a {@link MaskedAutoregressiveLayers} run is built from. */
export interface MaskedLayersSetup {
  /** `[d]`. */
  eventShape: [number];
  /** Context event shape, or null. */
  contextShape: EventShape | null;
  /** The layers in forward (base -> data) order (from `madeLayer`). */
  layers: FusedLayer[];
  /** `inverse`: MAF (density in one pass per layer); `forward`: IAF (sampling in one pass per layer). */
  fastDirection: 'inverse' | 'forward';
  /** Residual blocks between equal-width hidden layers (not fusable: both directions run as tfjs ops). */
  residual: boolean;
}

/** The settings every layer of a masked run shares: its arrangement and its MADEs' network. */
export interface MaskedRunSettings extends Omit<MaskedLayersSetup, 'layers'> {
  /** Hidden widths of every MADE. */
  hidden: readonly number[];
  /** Hidden activation. */
  activation: ActivationName;
  /** Zero-initialised MADE outputs. */
  identityInit: boolean;
}

/**
 * The setup of one {@link madeLayer} per entry of `layers` (its input degrees and θ seed, forward
 * order), every one with `transform` and the run's network settings.
 */
export function maskedLayersSetup(
  s: MaskedRunSettings,
  transform: ElementwiseTransform,
  layers: readonly { degrees: readonly number[]; seed: number }[],
): MaskedLayersSetup {
  return {
    eventShape: s.eventShape,
    contextShape: s.contextShape,
    fastDirection: s.fastDirection,
    residual: s.residual,
    layers: layers.map(({ degrees, seed }) =>
      madeLayer({
        degrees,
        hidden: s.hidden,
        contextSize: s.contextShape ? eventSize(s.contextShape) : 0,
        activation: s.activation,
        transform,
        identityInit: s.identityInit,
        seed,
      }),
    ),
  };
}

/** One layer's map of u given the conditioner raw = network(conditioning point). */
type LayerPass = (
  direction: Direction,
  op: TransformOp,
  spec: LayerSpec,
  network: (v: tf.Tensor2D, context: tf.Tensor2D | null) => tf.Tensor2D,
  u: tf.Tensor2D,
  context: tf.Tensor2D | null,
) => TransformResult;

/** The fast direction as tfjs ops: one pass conditioned on the input itself. */
const parallelPass: LayerPass = (direction, op, spec, network, u, context) =>
  op.apply(direction, u, network(u, context), spec.columns);

/** The slow direction: d passes v ← g(u; MADE(v)) from v = 0 (the last pass's log-det is exact). */
const sequentialPass: LayerPass = (direction, op, spec, network, u, context) => {
  let out: TransformResult = { value: tf.zerosLike(u), logDet: null };
  for (let k = 0; k < u.shape[1]; k++)
    out = op.apply(direction, u, network(out.value, context), spec.columns);
  return out;
};

/**
 * Masked autoregressive layers y = g(u; MADE(conditioning side)) in sequence (MAF, Papamakarios et
 * al. 2017: conditioned on the data side, fast `inverse`; IAF, Kingma et al. 2016: conditioned on the
 * base side, fast `forward`), for any elementwise map g, with one θ per layer. The fast direction is
 * core's fused op ({@link FusedLayers.runFused}); the other takes d passes per layer,
 * u ← g(input; MADE(u)) from u = 0 (after pass k the first k dimensions in the order are exact, and
 * the last pass's parameters, which read only the first d − 1, are exact too), as ordinary tfjs ops
 * on the same θ with g as a {@link TransformOp}, so it stays differentiable (reverse-KL training
 * samples a MAF). Residual MADEs cannot go through the fused op: their fast direction runs the same
 * way in one pass (correct, slower).
 */
export abstract class MaskedAutoregressiveLayers extends FusedLayers {
  /** `inverse` for the MAF arrangement, `forward` for IAF; the other direction takes d passes per layer. */
  override readonly fastDirection: 'inverse' | 'forward';
  /** Whether the MADEs have residual blocks. */
  readonly residual: boolean;
  private readonly transformOps: readonly TransformOp[];

  /** Creates θ and the ops of every layer. */
  protected constructor(setup: MaskedLayersSetup) {
    super({
      eventShape: setup.eventShape,
      contextShape: setup.contextShape,
      layers: setup.layers,
      constants: [],
    });
    this.fastDirection = setup.fastDirection;
    this.residual = setup.residual;
    this.transformOps = this.specs.map((s) => new TransformOp(s.transform, setup.eventShape[0]));
  }

  /** Frees θ, the masks and the transform ops' constants. */
  override dispose(): void {
    super.dispose();
    for (const op of this.transformOps) op.dispose();
  }

  protected override computeForward(z: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.run('forward', z as tf.Tensor2D, options);
  }

  protected override computeInverse(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.run('inverse', x as tf.Tensor2D, options);
  }

  private run(direction: Direction, u: tf.Tensor2D, options: CallOptions): ValueAndLogDet {
    if (direction !== this.fastDirection) {
      const run = this.residual || isTapeActive() ? null : this.wasmRun(direction, u, true);
      return run ?? this.layerwise(direction, u, options, sequentialPass);
    }
    if (this.residual) return this.layerwise(direction, u, options, parallelPass);
    return this.runFused(direction, u, options.context);
  }

  /** The layers in `direction` order, each through `pass` with its MADE as tfjs ops on its θ. */
  private layerwise(
    direction: Direction,
    input: tf.Tensor2D,
    options: CallOptions,
    pass: LayerPass,
  ): ValueAndLogDet {
    const n = input.shape[0];
    // A chain hands its context to every link: an unconditional layer ignores it.
    const context =
      this.contextShape && options.context ? (tf.reshape(options.context, [n, -1]) as tf.Tensor2D) : null;
    const count = this.parameters.length;
    let u = input;
    let logDet: tf.Tensor1D | null = null;
    for (let k = 0; k < count; k++) {
      const l = direction === 'forward' ? k : count - 1 - k;
      const spec = this.specs[l] as LayerSpec;
      const weights: LayerWeights = this.layouts[l]!.weights(this.parameters[l] as tf.Variable<tf.Rank.R1>);
      const network = maskedNetwork(spec, weights, this.residual);
      const out = pass(direction, this.transformOps[l] as TransformOp, spec, network, u, context);
      u = out.value;
      if (out.logDet) logDet = logDet ? (tf.add(logDet, out.logDet) as tf.Tensor1D) : out.logDet;
    }
    return { value: u, logDet: logDet ?? tf.zeros([n]) };
  }
}
