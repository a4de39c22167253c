import * as tf from '@tensorflow/tfjs-core';
import { previewJson } from '../json.js';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import { OptionError } from '../errors.js';
import { constantLogDetPerRow } from './log-det.js';
import { untapedOp } from './untaped-op.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';

/** Options of {@link TriangularAffine}. */
export interface TriangularAffineOptions {
  /** Vector event shape `[d]`. */
  eventShape: number[];
  /** The d x d lower-triangular matrix L, row-major (d² numbers, zeros above the diagonal, diagonal > 0). */
  matrix: number[];
  /** The shift t: one number for every element or a list of d; default 0. */
  shift?: number | number[];
}

/**
 * Fixed affine map y = L x + t with a lower-triangular L of positive diagonal; log|det J| = Σ log L_ii.
 * Nothing is trained. With L the Cholesky factor of a covariance and t a mean it maps whitened
 * values to data (x -> L⁻¹(x - t) is whitening), so a flow in front of it that starts at the
 * identity starts at the full-covariance Gaussian. L⁻¹ is computed once, in float64, on the host.
 */
export class TriangularAffine extends BaseBijector {
  readonly name = 'triangular-affine';
  /** Its options, declared once (the config saves the shift as a list). */
  static readonly schema = defineOptions('triangular-affine', {
    eventShape: option.vectorShape(),
    matrix: option.custom({ read: (value, c) => readMatrix(value, c.value<[number]>('eventShape')[0]) }),
    shift: { ...option.eventValues({ default: 0 }), save: (shift: number[]) => [...shift] },
  });
  /** L, row-major. */
  readonly matrix: readonly number[];
  /** t. */
  readonly shift: readonly number[];
  private readonly inverseMatrix: readonly number[];
  /** Lᵀ and L⁻ᵀ, row-major: the right factors of the row-vector products. */
  private readonly transposed: readonly number[];
  private readonly inverseTransposed: readonly number[];
  private readonly logDetTotal: number;
  /** L, Lᵀ, L⁻¹, L⁻ᵀ and t as float32 arrays, converted once (a tensor from a number list flattens it on every call). */
  private readonly float32: Record<
    'matrix' | 'transposed' | 'inverseMatrix' | 'inverseTransposed' | 'shift',
    Float32Array
  >;

  /** Creates the map; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: TriangularAffineOptions) {
    const { eventShape, matrix, shift } = TriangularAffine.schema.read(options);
    const d = eventShape[0];
    super({ eventShape });
    this.matrix = matrix;
    this.shift = shift;
    this.inverseMatrix = invertLowerTriangular(matrix, d);
    this.transposed = transposeSquare(matrix, d);
    this.inverseTransposed = transposeSquare(this.inverseMatrix, d);
    let total = 0;
    for (let i = 0; i < d; i++) total += Math.log(matrix[i * d + i] as number);
    this.logDetTotal = total;
    this.float32 = {
      matrix: Float32Array.from(this.matrix),
      transposed: Float32Array.from(this.transposed),
      inverseMatrix: Float32Array.from(this.inverseMatrix),
      inverseTransposed: Float32Array.from(this.inverseTransposed),
      shift: Float32Array.from(this.shift),
    };
  }

  /** `{name: 'triangular-affine', options: {eventShape, matrix, shift}}`. */
  getConfig(): BijectorConfig {
    const options = { eventShape: [this.d] as [number], matrix: [...this.matrix], shift: [...this.shift] };
    return { name: this.name, options: TriangularAffine.schema.toConfig(options) };
  }

  // Nothing is trained: each direction is one tape entry whose own kernels run off the tape, with
  // ∂/∂input = dy Lᵀᵀ = dy L (forward) or dy L⁻¹ (inverse); the log-det does not depend on the input.
  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const d = this.d;
    // y = x Lᵀ + t for row vectors.
    const value = untapedOp((input) => ({
      value: tf.add(tf.matMul(input, tf.tensor2d(this.float32.transposed, [d, d])), this.shiftTensor()),
      gradFunc: (dy) => tf.matMul(dy, tf.tensor2d(this.float32.matrix, [d, d])),
    }));
    return {
      value: value(x),
      logDet: constantLogDetPerRow(this.logDetTotal, x.shape[0] as number),
    };
  }

  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    const d = this.d;
    // x = (y − t) L⁻ᵀ for row vectors.
    const value = untapedOp((input) => ({
      value: tf.matMul(
        tf.sub(input, this.shiftTensor()),
        tf.tensor2d(this.float32.inverseTransposed, [d, d]),
      ),
      gradFunc: (dy) => tf.matMul(dy, tf.tensor2d(this.float32.inverseMatrix, [d, d])),
    }));
    return {
      value: value(y),
      logDet: constantLogDetPerRow(-this.logDetTotal, y.shape[0] as number),
    };
  }

  private shiftTensor(): tf.Tensor1D {
    return tf.tensor1d(this.float32.shift);
  }

  private get d(): number {
    return this.eventShape[0] as number;
  }
}

/** Checks the `matrix` option: d² finite numbers, zero above the diagonal, positive diagonal. */
function readMatrix(value: unknown, d: number): number[] {
  const fail = (why: string): never => {
    throw new OptionError(`triangular-affine: option 'matrix' must be ${why}`);
  };
  if (!Array.isArray(value) || value.length !== d * d) {
    fail(`a row-major list of ${d * d} numbers (${d} x ${d}), got ${previewJson(value)}`);
  }
  const m = value as unknown[];
  m.forEach((v, k) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`finite numbers, got ${previewJson(v)} at ${k}`);
    const i = Math.floor(k / d);
    const j = k % d;
    if (j > i && v !== 0) fail(`lower-triangular, got ${String(v)} at row ${i}, column ${j}`);
    if (j === i && !((v as number) > 0)) fail(`of positive diagonal, got ${String(v)} at (${i}, ${i})`);
  });
  return m as number[];
}

/** Mᵀ of a row-major d x d matrix. */
function transposeSquare(m: readonly number[], d: number): number[] {
  return Array.from({ length: d * d }, (_, k) => m[(k % d) * d + Math.floor(k / d)] as number);
}

/** L⁻¹ of a lower-triangular L (row-major, positive diagonal) by forward substitution in float64. */
function invertLowerTriangular(l: readonly number[], d: number): number[] {
  const inv = new Array<number>(d * d).fill(0);
  for (let col = 0; col < d; col++) {
    for (let i = col; i < d; i++) {
      let s = i === col ? 1 : 0;
      for (let k = col; k < i; k++) s -= (l[i * d + k] as number) * (inv[k * d + col] as number);
      inv[i * d + col] = s / (l[i * d + i] as number);
    }
  }
  return inv;
}
