import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  ValueError,
  hostRng,
  type BijectorConfig,
  type CallOptions,
  type FastDirection,
  type ValueAndLogDet,
} from '@bijective/core';
import { RootFindError } from './errors.js';
import { LayerParameters } from './layer-parameters.js';
import { isSolveFailure, type SolveFailure } from './root-find.js';
import { stackOptionsJson, type ResolvedStackOptions } from './stack-options.js';

/** One layer's constrained parameters, split into the pieces a family declares. */
export type LayerPieces = readonly tf.Tensor[];

/** The constrained parameters of every layer on the host, for the numerical inverse. */
export interface HostParameters {
  /** Row-major `[B, K, Q]` values. */
  values: Float32Array;
  /** B: 1 (shared by every row) or the batch (conditional). */
  rows: number;
  /** Q: constrained values per layer. */
  width: number;
  /** K. */
  layers: number;
}

/** Value `offset` of layer `layer`'s constrained parameters for batch row `row`. */
export function hostParameter(p: HostParameters, row: number, layer: number, offset: number): number {
  const b = p.rows === 1 ? 0 : row;
  return p.values[(b * p.layers + layer) * p.width + offset] as number;
}

/**
 * A stack of K layers y = f_K(...f_1(z)) whose parameters are constrained from raw ones (planar's û,
 * radial's α and β) and whose inverse is numerical: each layer reduces to a bracketed 1-D root, solved
 * on the host in float64 and then refined by one float32 Newton step in tfjs, whose derivative at a
 * root is the implicit-function derivative −(∂g/∂θ)/(∂g/∂α): so inverses and their log-dets carry
 * exact gradients. The forward pass of all K layers runs as one op on host kernels (float64 inside,
 * a family's `HostLayerMath`). log|det J| is the sum of the layers' log-terms. Families implement
 * the constraint, a layer's host math and a layer's inverse.
 */
export abstract class LayerStack extends BaseBijector {
  override readonly hasAnalyticInverse = false;
  override readonly fastDirection: FastDirection = 'forward';
  /** θ and the context network. */
  protected readonly parameters: LayerParameters;
  /** The forward pass of all K layers as one op (a family's `hostStackOp`). */
  private readonly forwardOp: (z: tf.Tensor2D, packed: tf.Tensor3D) => tf.Tensor2D;

  /** Creates the variables; `initial(rng)` draws layer k's P raw values. */
  protected constructor(
    readonly options: Readonly<ResolvedStackOptions>,
    rawSize: number,
    initial: (rng: ReturnType<typeof hostRng>) => number[],
    forwardOp: (z: tf.Tensor2D, packed: tf.Tensor3D) => tf.Tensor2D,
  ) {
    super({ eventShape: options.eventShape, contextShape: options.contextShape });
    const rng = hostRng(options.seed);
    const values = new Float32Array(options.layers * rawSize);
    for (let k = 0; k < options.layers; k++) values.set(initial(rng), k * rawSize);
    this.parameters = new LayerParameters({
      layers: options.layers,
      size: rawSize,
      initial: values,
      contextShape: options.contextShape,
      hidden: options.hidden,
      activation: options.activation,
      seed: rng.int(2 ** 32),
    });
    this.forwardOp = forwardOp;
  }

  /** Sizes of the pieces one layer's constrained parameters split into (they sum to Q). */
  protected abstract readonly pieceSizes: readonly number[];

  /** Raw `[B, K, P]` -> constrained `[B, K, Q]`. */
  protected abstract constrain(raw: tf.Tensor3D): tf.Tensor3D;

  /** One layer's inverse z = f⁻¹(y) `[n, d]` and log|det ∂f⁻¹/∂y| `[n, 1]`, solving on the host. */
  protected abstract layerInverse(
    y: tf.Tensor2D,
    pieces: LayerPieces,
    layer: number,
    host: HostParameters,
  ): { value: tf.Tensor2D; logDet: tf.Tensor };

  /** θ then the context network's variables. */
  override get variables(): readonly tf.Variable[] {
    return this.parameters.variables;
  }

  /** `{name, options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: stackOptionsJson(this.options) };
  }

  /** Frees θ and the context network. */
  override dispose(): void {
    this.parameters.dispose();
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const n = x.shape[0] as number;
    const d = this.eventShape[0] as number;
    const packed = this.constrain(this.parameters.raw(options.context));
    const [value, logDet] = tf.split(this.forwardOp(x as tf.Tensor2D, packed), [d, 1], 1) as [
      tf.Tensor,
      tf.Tensor,
    ];
    return { value, logDet: tf.reshape(logDet, [n]) };
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const n = y.shape[0] as number;
    const packed = this.constrain(this.parameters.raw(options.context));
    const host: HostParameters = {
      values: packed.dataSync() as Float32Array,
      rows: packed.shape[0],
      layers: packed.shape[1],
      width: packed.shape[2],
    };
    const layers = this.layerPieces(packed);
    let z = y as tf.Tensor2D;
    const logDets: tf.Tensor[] = [];
    for (let k = layers.length - 1; k >= 0; k--) {
      const { value, logDet } = this.layerInverse(z, layers[k] as LayerPieces, k, host);
      z = value;
      logDets.push(logDet);
    }
    return { value: z, logDet: this.sumLogDets(logDets, n) };
  }

  /**
   * Solves one scalar equation per batch row on the host (`solve(row, statistic)`, float64) and
   * returns the roots `[n, 1]`; a non-finite statistic is a ValueError naming the row, a failed
   * solve a {@link RootFindError} naming the layer, the row and the bracket.
   */
  protected solveRows(
    layer: number,
    statistic: tf.Tensor,
    what: string,
    solve: (row: number, s: number) => number | SolveFailure,
  ): tf.Tensor2D {
    const values = statistic.dataSync();
    const roots = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const s = values[i] as number;
      if (!Number.isFinite(s))
        throw new ValueError(`${this.name} inverse: row ${i} holds a NaN or infinite value (layer ${layer})`);
      const root = solve(i, s);
      if (isSolveFailure(root)) {
        throw new RootFindError(
          `${this.name} inverse: the 1-D solve of layer ${layer} failed at row ${i} (${root.reason} on [${root.lo}, ${root.hi}], ${what} = ${s})`,
          layer,
          i,
        );
      }
      roots[i] = root;
    }
    return tf.tensor2d(roots, [values.length, 1]);
  }

  /** Unstacks `[B, K, Q]` into K layers and splits each into its pieces `[B, q]`. */
  private layerPieces(packed: tf.Tensor3D): LayerPieces[] {
    return tf.unstack(packed, 1).map((layer) => tf.split(layer, [...this.pieceSizes], 1));
  }

  /** Σ_k of the layers' `[n, 1]` log-terms, as `[n]`. */
  private sumLogDets(terms: tf.Tensor[], n: number): tf.Tensor {
    const total = terms.length === 1 ? (terms[0] as tf.Tensor) : tf.addN(terms);
    return tf.reshape(total, [n]);
  }
}
