/**
 * A third-party plugin as the CLI's tests load it (`--plugin`): it registers the flow
 * `acme/linear-flow` (an LU-linear map and an elementwise affine map) and the dataset `acme/blobs`
 * (two Gaussian blobs), through the same registry calls first-party packages use.
 * @internal
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  Affine,
  BaseBijector,
  Chain,
  LULinear,
  register,
  type BijectorConfig,
  type CallOptions,
  type ValueAndLogDet,
} from '@bijective/core';
import { toyDataset } from '@bijective/datasets';

/** Options of {@link AcmeLinearFlow}. */
interface AcmeLinearFlowOptions {
  eventShape: number[];
  seed?: number;
}

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    'acme/linear-flow': AcmeLinearFlowOptions;
  }
}
declare module '@bijective/datasets' {
  interface DatasetOptionsMap {
    'acme/blobs': Record<string, never>;
  }
}

/** x = s ⊙ (W z) + t with W = P L U (LU-linear) and s > 0: a full-covariance Gaussian as a flow. */
class AcmeLinearFlow extends BaseBijector {
  readonly name = 'acme/linear-flow';
  private readonly inner: Chain;
  private readonly seed: number;

  constructor(options: AcmeLinearFlowOptions) {
    super({ eventShape: options.eventShape });
    this.seed = options.seed ?? 0;
    this.inner = new Chain([
      new LULinear({ eventShape: options.eventShape, seed: this.seed }),
      new Affine({ eventShape: options.eventShape }),
    ]);
  }

  override get variables(): readonly tf.Variable[] {
    return this.inner.variables;
  }

  getConfig(): BijectorConfig {
    return { name: this.name, options: { eventShape: [...this.eventShape], seed: this.seed } };
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.inner.forwardAndLogDet(x, options);
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    return this.inner.inverseAndLogDet(y, options);
  }
}

register(
  'bijector',
  'acme/linear-flow',
  {
    description: 'acme: LU-linear then elementwise affine (test plugin)',
    create: (options) => new AcmeLinearFlow(options),
    example: (d) => ({ eventShape: [d] }),
    tags: ['flow'],
  },
  { replace: true },
);

register(
  'dataset',
  'acme/blobs',
  {
    description: 'acme: two Gaussian blobs at (±2, 0), sd 0.5 (test plugin)',
    create: () =>
      toyDataset({
        name: 'acme/blobs',
        description: 'two Gaussian blobs',
        draw(rng, out, offset) {
          out[offset] = (rng.uniform() < 0.5 ? -2 : 2) + 0.5 * rng.normal();
          out[offset + 1] = 0.5 * rng.normal();
        },
      }),
    tags: ['toy', '2d'],
  },
  { replace: true },
);
