import type { BijectorConfig } from '../bijector.js';
import type { JsonObject } from '../json.js';
import { register } from '../registry.js';
import { Affine, type AffineOptions } from './affine.js';
import { BatchNorm, type BatchNormOptions } from './batch-norm.js';
import { Chain, type ChainOptions } from './chain.js';
import { Exp, type ExpOptions } from './exp.js';
import { Invert, type InvertOptions } from './invert.js';
import { LeakyReLU, type LeakyReLUOptions } from './leaky-relu.js';
import { LULinear, type LULinearOptions } from './lu-linear.js';
import { Permute, type PermuteOptions } from './permute.js';
import { Reverse, type ReverseOptions } from './reverse.js';
import { Scale, type ScaleOptions } from './scale.js';
import { Shift, type ShiftOptions } from './shift.js';
import { Sigmoid, type SigmoidOptions } from './sigmoid.js';
import { SinhArcsinh, type SinhArcsinhOptions } from './sinh-arcsinh.js';
import { Softplus, type SoftplusOptions } from './softplus.js';
import { Tanh, type TanhOptions } from './tanh.js';
import { TriangularAffine, type TriangularAffineOptions } from './triangular-affine.js';

declare module '../index.js' {
  interface BijectorOptionsMap {
    chain: ChainOptions;
    invert: InvertOptions;
    shift: ShiftOptions;
    scale: ScaleOptions;
    affine: AffineOptions;
    exp: ExpOptions;
    softplus: SoftplusOptions;
    sigmoid: SigmoidOptions;
    tanh: TanhOptions;
    'leaky-relu': LeakyReLUOptions;
    'sinh-arcsinh': SinhArcsinhOptions;
    reverse: ReverseOptions;
    permute: PermuteOptions;
    'lu-linear': LULinearOptions;
    'batch-norm': BatchNormOptions;
    'triangular-affine': TriangularAffineOptions;
  }
}

// `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
// re-registers the same factories; conflicts between different packages are caught by their names.
const again = { replace: true };
const vector = (d: number) => ({ eventShape: [d] });
const link = (name: string, options: JsonObject): BijectorConfig => ({ name, options });

/** Registers the standard bijectors (`chain`, `invert`, `shift`, `scale`, `affine`, ..., `lu-linear`, `batch-norm`) in the bijector registry (idempotent). */
export function registerCoreBijectors(): void {
  register(
    'bijector',
    'chain',
    {
      description: 'composition of bijectors, listed base -> data',
      create: (o) => Chain.fromOptions(o),
      schema: Chain.schema,
      example: (d) => ({
        bijectors: [
          link('affine', { ...vector(d), shift: 0.5, scale: 1.5 }),
          link('reverse', vector(d)),
          link('lu-linear', { ...vector(d), seed: 1 }),
        ],
      }),
    },
    again,
  );
  register(
    'bijector',
    'invert',
    {
      description: 'the inverse of a bijector (directions swapped)',
      create: (o) => Invert.fromOptions(o),
      schema: Invert.schema,
      example: (d) => ({ bijector: link('lu-linear', { ...vector(d), seed: 2 }) }),
    },
    again,
  );
  register(
    'bijector',
    'shift',
    {
      description: 'elementwise y = x + t, trainable t',
      create: (o) => new Shift(o),
      schema: Shift.schema,
      example: (d) => ({ ...vector(d), shift: 0.5 }),
    },
    again,
  );
  register(
    'bijector',
    'scale',
    {
      description: 'elementwise y = s x, trainable s = softplus(u) + minScale',
      create: (o) => new Scale(o),
      schema: Scale.schema,
      example: (d) => ({ ...vector(d), scale: 1.5 }),
    },
    again,
  );
  register(
    'bijector',
    'affine',
    {
      description: 'elementwise y = s x + t, trainable t and s = softplus(u) + minScale',
      create: (o) => new Affine(o),
      schema: Affine.schema,
      example: (d) => ({ ...vector(d), shift: 0.5, scale: 1.5 }),
    },
    again,
  );
  register(
    'bijector',
    'exp',
    { description: 'elementwise y = exp(x)', create: (o) => new Exp(o), schema: Exp.schema, example: vector },
    again,
  );
  register(
    'bijector',
    'softplus',
    {
      description: 'elementwise y = log(1 + exp(x))',
      create: (o) => new Softplus(o),
      schema: Softplus.schema,
      example: vector,
    },
    again,
  );
  register(
    'bijector',
    'sigmoid',
    {
      description: 'elementwise y = 1 / (1 + exp(-x)), inverse logit',
      create: (o) => new Sigmoid(o),
      schema: Sigmoid.schema,
      example: vector,
    },
    again,
  );
  register(
    'bijector',
    'tanh',
    {
      description: 'elementwise y = tanh(x)',
      create: (o) => new Tanh(o),
      schema: Tanh.schema,
      example: vector,
    },
    again,
  );
  register(
    'bijector',
    'leaky-relu',
    {
      description: 'elementwise y = x (x > 0) or a x (x <= 0), 0 < a <= 1',
      create: (o) => new LeakyReLU(o),
      schema: LeakyReLU.schema,
      example: (d) => ({ ...vector(d), negativeSlope: 0.2 }),
    },
    again,
  );
  register(
    'bijector',
    'sinh-arcsinh',
    {
      description: 'elementwise x = loc + s sinh((asinh z + skew) / tailweight), trainable',
      create: (o) => new SinhArcsinh(o),
      schema: SinhArcsinh.schema,
      example: (d) => ({ ...vector(d), loc: 0.1, scale: 1.5, skew: 0.5, tailweight: 0.7 }),
    },
    again,
  );
  register(
    'bijector',
    'reverse',
    {
      description: 'reverses the order of a vector event',
      create: (o) => new Reverse(o),
      schema: Reverse.schema,
      example: vector,
    },
    again,
  );
  register(
    'bijector',
    'permute',
    {
      description: 'fixed permutation of a vector event, explicit or seeded',
      create: (o) => new Permute(o),
      schema: Permute.schema,
      example: (d) => ({ ...vector(d), seed: 1 }),
    },
    again,
  );
  register(
    'bijector',
    'lu-linear',
    {
      description: 'invertible linear map W = P L U with trainable LU factors (Glow)',
      create: (o) => new LULinear(o),
      schema: LULinear.schema,
      example: (d) => ({ ...vector(d), seed: 1 }),
    },
    again,
  );
  register(
    'bijector',
    'batch-norm',
    {
      description: 'batch normalization with running statistics (RealNVP, MAF)',
      create: (o) => new BatchNorm(o),
      schema: BatchNorm.schema,
      example: vector,
    },
    again,
  );
  register(
    'bijector',
    'triangular-affine',
    {
      description: 'fixed y = L x + t with lower-triangular L (whitening by a Cholesky factor)',
      create: (o) => new TriangularAffine(o),
      schema: TriangularAffine.schema,
      example: (d) => ({
        ...vector(d),
        matrix: Array.from({ length: d * d }, (_, k) => {
          const [i, j] = [Math.floor(k / d), k % d];
          return j > i ? 0 : i === j ? 0.5 + 0.25 * i : 0.3 * (j - i) + 0.1;
        }),
        shift: Array.from({ length: d }, (_, i) => 0.5 - i),
      }),
    },
    again,
  );
}
