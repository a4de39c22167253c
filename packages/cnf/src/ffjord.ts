import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  createByName,
  type BijectorConfig,
  type CallOptions,
  type ValueAndLogDet,
} from '@bijective/core';
import type { OdeSolver } from '@bijective/ode';
import type { TraceEstimator } from '@bijective/trace';
import { solveCnf, squaredEndTime, type EndTime } from './cnf-solve.js';
import { ConcatSquashField } from './field.js';
import {
  ffjordOptionsJson,
  resolveFfjordOptions,
  type FfjordOptions,
  type ResolvedFfjordOptions,
} from './options.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** One CNF block: a vector field and its integration time. */
interface Block {
  field: ConcatSquashField;
  /** s with T = s² when T is learned. */
  sqrtTime: tf.Variable | null;
  endTime: EndTime;
}

/**
 * FFJORD (Grathwohl et al. 2019), the continuous normalizing flow of Chen et al. (2018): dz/dt =
 * f(z, t; θ) with a concat-squash field, forward (sampling) z(0) -> x = z(T), and the density by the
 * instantaneous change of variables log p(x) = log p0(z(0)) − ∫₀ᵀ tr(∂f/∂z(t)) dt, integrated in the
 * same (reverse) solve. Evaluation calls use the `exact` trace (deterministic densities); training
 * calls (`training: true`) use a stochastic estimator with one probe held fixed per solve. RNODE's
 * regularisers (Finlay et al. 2020) join a training call's objective through `CallOptions.record`.
 *
 * With `augment: k` (Dupont et al. 2019) the ODE runs on [x, a] ∈ R^{d+k}: the base side of the
 * bijector has d + k dimensions (the flow's base is N(0, I_{d+k})), sampling drops a, and the density
 * side starts a at 0 in evaluation calls and at a ~ N(0, I) in training calls, returning
 * log p(x, a) − log N(a; 0, I) through `Flow.logProb`: the integrand of the evidence lower bound of
 * log p(x) (see the guide), not the exact marginal.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fit } from '@bijective/train';
 * import '@bijective/cnf';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const data = tf.randomNormal([256, 2], 0, 1, 'float32', 1); // your data: [n, 2]
 * const cnf = create('bijector', 'ffjord', { eventShape: [2], hidden: [16, 16], kinetic: 0.01, seed: 1 });
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), cnf);
 * fit(flow, data, { steps: 3, batchSize: 64, onProgress: (p) => console.log(p.loss, p.nfeForward, p.nfeBackward) });
 * const logDensity = flow.logProb(tf.zeros([2, 2])); // exact trace, dopri5
 * const samples = flow.sample(4, { seed: 2 }); // the forward solve
 * console.log(logDensity.arraySync(), samples.shape);
 * ```
 */
export class Ffjord extends BaseBijector {
  readonly name = 'ffjord';
  override readonly hasAnalyticInverse = false;
  /** The resolved options. */
  readonly options: Readonly<ResolvedFfjordOptions>;
  private readonly blocks: Block[];
  private readonly solver: OdeSolver;
  private readonly trainingEstimator: TraceEstimator;
  private readonly evaluationEstimator: TraceEstimator;
  private calls = 0;

  /** Builds the flow; a bad option throws an OptionError, ShapeError or RegistryError naming it. */
  constructor(options: FfjordOptions) {
    const resolved = resolveFfjordOptions(options);
    const d = resolved.eventShape[0];
    super({
      eventShape: [d + resolved.augment],
      outputEventShape: [d],
      contextShape: resolved.contextShape,
    });
    this.options = resolved;
    this.solver = createByName('odeSolver', resolved.solver, resolved.solverOptions);
    this.trainingEstimator = createByName('traceEstimator', resolved.estimator, resolved.estimatorOptions);
    this.evaluationEstimator = createByName('traceEstimator', resolved.evaluationEstimator, {});
    const contextSize = resolved.contextShape ? resolved.contextShape.reduce((a, b) => a * b, 1) : 0;
    this.blocks = Array.from({ length: resolved.layers }, (_, i) => {
      const field = new ConcatSquashField({
        stateSize: d + resolved.augment,
        hidden: resolved.hidden,
        activation: resolved.activation,
        contextSize,
        zeroInitOutput: resolved.identityInit,
        seed: (resolved.seed + 7919 * (i + 1)) >>> 0,
      });
      if (!resolved.learnIntegrationTime) return { field, sqrtTime: null, endTime: resolved.integrationTime };
      const sqrtTime = tf.tidy(() => tf.variable(tf.scalar(Math.sqrt(resolved.integrationTime))));
      return { field, sqrtTime, endTime: squaredEndTime(sqrtTime) };
    });
  }

  /** Each block's field variables then its √T (when learned), block by block. */
  override get variables(): readonly tf.Variable[] {
    return this.blocks.flatMap((b) => [...b.field.variables, ...(b.sqrtTime ? [b.sqrtTime] : [])]);
  }

  /** Each block's vector field, in forward (base -> data) order. */
  get fields(): readonly ConcatSquashField[] {
    return this.blocks.map((b) => b.field);
  }

  /** The current integration time T of each block. */
  integrationTimes(): number[] {
    return this.blocks.map(({ endTime }) =>
      typeof endTime === 'number' ? endTime : tf.tidy(() => endTime.value().dataSync()[0] as number),
    );
  }

  /** `{name: 'ffjord', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: ffjordOptionsJson(this.options) };
  }

  /** Frees every variable. */
  override dispose(): void {
    for (const b of this.blocks) {
      b.field.dispose();
      if (b.sqrtTime && !b.sqrtTime.isDisposed) b.sqrtTime.dispose();
    }
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const seed = this.nextSeed();
    const { z, logDet } = this.integrate(x as tf.Tensor2D, 'forward', options, seed);
    const k = this.options.augment;
    if (k === 0) return { value: z, logDet };
    const d = this.options.eventShape[0];
    const a = tf.slice(z, [0, d], [-1, k]);
    // log p(x, a) − log q(a) at the sampled a: the base density minus this log-det.
    return { value: tf.slice(z, [0, 0], [-1, d]), logDet: tf.sub(logDet, logNormal(a)) };
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    const seed = this.nextSeed();
    const k = this.options.augment;
    if (k === 0) {
      const { z, logDet } = this.integrate(y as tf.Tensor2D, 'inverse', options, seed);
      return { value: z, logDet };
    }
    const n = y.shape[0] as number;
    const a = options.training
      ? tf.randomNormal([n, k], 0, 1, 'float32', seed ^ 0x2545f491)
      : tf.zeros([n, k]);
    const { z, logDet } = this.integrate(tf.concat([y, a], 1) as tf.Tensor2D, 'inverse', options, seed);
    return { value: z, logDet: tf.sub(logDet, logNormal(a)) };
  }

  /** Runs every block in the call's direction, summing log-dets and recording RNODE's penalty. */
  private integrate(
    input: tf.Tensor2D,
    direction: 'forward' | 'inverse',
    options: CallOptions,
    seed: number,
  ): { z: tf.Tensor2D; logDet: tf.Tensor } {
    const training = options.training === true;
    const { kinetic: lambdaK, jacobianNorm: lambdaJ } = this.options;
    const regularise = training && options.record !== undefined;
    const order = direction === 'forward' ? this.blocks : [...this.blocks].reverse();
    let z = input;
    const logDets: tf.Tensor[] = [];
    const penalties: tf.Tensor[] = [];
    order.forEach((block, i) => {
      const index = direction === 'forward' ? i : this.blocks.length - 1 - i;
      const result = solveCnf(
        {
          field: block.field,
          endTime: block.endTime,
          solver: this.solver,
          gradient: this.options.gradient,
          estimator: training ? this.trainingEstimator : this.evaluationEstimator,
          probeSeed: (seed + 0x9e3779b9 * (index + 1)) >>> 0,
          context: options.context as tf.Tensor2D | undefined,
          kinetic: regularise && lambdaK > 0,
          jacobian: regularise && lambdaJ > 0,
          direction,
          owner: `ffjord block ${index + 1} of ${this.blocks.length} (${direction} solve)`,
          record: options.record,
        },
        z,
      );
      z = result.z;
      logDets.push(result.logDet);
      if (result.kinetic) penalties.push(tf.mul(tf.mean(result.kinetic), lambdaK));
      if (result.jacobian) penalties.push(tf.mul(tf.mean(result.jacobian), lambdaJ));
    });
    if (penalties.length > 0) options.record?.addPenalty(tf.addN(penalties) as tf.Scalar);
    return { z, logDet: logDets.length === 1 ? (logDets[0] as tf.Tensor) : tf.addN(logDets) };
  }

  /** A fresh seed per call: probes and augmentation noise differ between calls, reproducibly. */
  private nextSeed(): number {
    this.calls += 1;
    return (this.options.seed + Math.imul(this.calls, 0x632be5ab)) >>> 0;
  }
}

/** log N(a; 0, I) per row. */
function logNormal(a: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sum(tf.square(a), 1), -0.5), HALF_LOG_TWO_PI * (a.shape[1] as number));
}
