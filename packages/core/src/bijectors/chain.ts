import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  type Bijector,
  type BijectorConfig,
  type CallOptions,
  type FastDirection,
  type TrainingLossOptions,
  type ValueAndLogDet,
} from '../bijector.js';
import { OptionError, ShapeError } from '../errors.js';
import { createBijector } from '../registry.js';
import { formatShape, sameShape, type EventShape } from '../shapes.js';
import { option } from '../options/fields.js';
import { defineOptions } from '../options/schema.js';

/** Options of {@link Chain}: the links' configs, base side first. */
export interface ChainOptions {
  /** Configs of the links in forward order: bijectors[0] is applied first to base samples. */
  bijectors: BijectorConfig[];
}

/**
 * The fast direction of a composition: 'both' when every link is fast both ways, else the direction in
 * which fewer links are slow (every link fast in it when possible), ties going to 'inverse' (density
 * evaluation, the direction maximum-likelihood training runs).
 * @internal
 */
export function chainFastDirection(directions: readonly FastDirection[]): FastDirection {
  if (directions.every((d) => d === 'both')) return 'both';
  const slowLinks = (direction: 'forward' | 'inverse') =>
    directions.filter((d) => d !== 'both' && d !== direction).length;
  return slowLinks('forward') < slowLinks('inverse') ? 'forward' : 'inverse';
}

/** Checks that consecutive links fit and conditional links agree on a context shape, which it returns. */
function checkLinks(links: readonly Bijector[]): EventShape | null {
  let context: EventShape | null = null;
  let contextLink = -1;
  for (const [i, b] of links.entries()) {
    const previous = links[i - 1];
    if (previous && !sameShape(previous.outputEventShape, b.eventShape)) {
      throw new ShapeError(
        `chain: link ${i - 1} (${previous.name}) outputs events of shape ${formatShape(previous.outputEventShape)} but link ${i} (${b.name}) expects ${formatShape(b.eventShape)}`,
      );
    }
    if (b.contextShape === null) continue;
    if (context === null) {
      context = b.contextShape;
      contextLink = i;
    } else if (!sameShape(context, b.contextShape)) {
      throw new ShapeError(
        `chain: link ${contextLink} takes a context of shape ${formatShape(context)} but link ${i} (${b.name}) takes ${formatShape(b.contextShape)}`,
      );
    }
  }
  return context;
}

/**
 * The training objective of a chain whose link `k` has its own ({@link Bijector.trainingLoss}): the
 * data are mapped back through the links after it (their inverses), base draws forward through the
 * links before it, and link k's objective is evaluated in its own coordinates.
 * @internal
 */
function chainTrainingLoss(
  links: readonly Bijector[],
  k: number,
): (y: tf.Tensor, options: TrainingLossOptions) => tf.Scalar {
  const link = links[k] as Bijector;
  const objective = link.trainingLoss as NonNullable<Bijector['trainingLoss']>;
  return (y, options) =>
    tf.tidy(() => {
      const { sampleBase, baseLogProb, ...call } = options;
      const inner = links.slice(k + 1).reduceRight((value, b) => b.inverse(value, call), y);
      const source = (n: number, seed: number) =>
        links.slice(0, k).reduce((value, b) => b.forward(value, call), sampleBase(n, seed));
      // The base pushed through the links before k: log p(h) = log p0(f⁻¹(h)) + log|det J_f⁻¹(h)|.
      const density =
        baseLogProb &&
        ((h: tf.Tensor) => {
          let value = h;
          let logDet: tf.Tensor = tf.zeros([h.shape[0] as number]);
          for (const b of links.slice(0, k).reverse()) {
            const r = b.inverseAndLogDet(value, call);
            value = r.value;
            logDet = tf.add(logDet, r.logDet);
          }
          return tf.add(baseLogProb(value), logDet);
        });
      return objective.call(link, inner, {
        ...call,
        sampleBase: source,
        ...(density ? { baseLogProb: density } : {}),
      });
    });
}

/**
 * The links' log-dets in call order, ((l₁ + l₂) + l₃) + ...: where they share a shape as ONE AddN
 * kernel (its gradient passes ∂L/∂sum to each and the tape saves nothing), else by pairwise
 * broadcasting adds; the same float32 sums either way.
 */
function sumLogDets(logDets: readonly tf.Tensor[]): tf.Tensor {
  const first = logDets[0] as tf.Tensor;
  if (logDets.length === 1) return first;
  if (logDets.every((l) => l.dtype === first.dtype && sameShape(l.shape, first.shape)))
    return tf.addN([...logDets]);
  return logDets.slice(1).reduce((acc, l) => tf.add(acc, l), first);
}

/**
 * Composition z_K = f_K(...f_1(z_0)) of bijectors listed base -> data; log|det J| = Σ_k log|det J_{f_k}|.
 * Every call's options (context, training) reach every link. The chain owns its links: dispose() frees them.
 * When exactly one link has its own training objective (flow matching), so does the chain.
 */
export class Chain extends BaseBijector {
  readonly name = 'chain';
  /** Its options, declared once. */
  static readonly schema = defineOptions('chain', { bijectors: option.bijectorConfigs() });
  override readonly hasAnalyticInverse: boolean;
  override readonly fastDirection: FastDirection;
  /** The links in forward order. */
  readonly bijectors: readonly Bijector[];
  /** The objective of the one link with its own ({@link Bijector.trainingLoss}), in data coordinates; absent otherwise. */
  readonly trainingLoss?: (y: tf.Tensor, options: TrainingLossOptions) => tf.Scalar;

  /** Composes `bijectors` (applied in order by the forward); throws a ShapeError when consecutive links do not fit. */
  constructor(bijectors: readonly Bijector[]) {
    if (!Array.isArray(bijectors) || bijectors.length === 0) {
      throw new OptionError('chain: needs at least one bijector');
    }
    const contextShape = checkLinks(bijectors);
    const first = bijectors[0] as Bijector;
    const last = bijectors[bijectors.length - 1] as Bijector;
    super({ eventShape: first.eventShape, outputEventShape: last.outputEventShape, contextShape });
    this.bijectors = [...bijectors];
    this.hasAnalyticInverse = bijectors.every((b) => b.hasAnalyticInverse);
    this.fastDirection = chainFastDirection(bijectors.map((b) => b.fastDirection));
    const own = bijectors.flatMap((b, i) => (b.trainingLoss ? [i] : []));
    if (own.length > 1) {
      throw new OptionError(
        `chain: links ${own.join(' and ')} each have their own training objective; a chain can train by at most one`,
      );
    }
    if (own.length === 1) this.trainingLoss = chainTrainingLoss(this.bijectors, own[0] as number);
  }

  /** Passes {@link Bijector.afterTrainingStep} on to the links that have it. */
  afterTrainingStep(): void {
    for (const b of this.bijectors) b.afterTrainingStep?.();
  }

  /** Builds the links from their configs through the registry; links already built are disposed if one fails. */
  static fromOptions(options: ChainOptions): Chain {
    const configs = Chain.schema.read(options).bijectors;
    const links: Bijector[] = [];
    try {
      for (const config of configs) links.push(createBijector(config));
      return new Chain(links);
    } catch (error) {
      for (const b of links) b.dispose();
      throw error;
    }
  }

  /** Every link's variables, in link order. */
  override get variables(): readonly tf.Variable[] {
    return this.bijectors.flatMap((b) => b.variables);
  }

  /** Every link's trainable variables, in link order. */
  override get trainableVariables(): readonly tf.Variable[] {
    return this.bijectors.flatMap((b) => b.trainableVariables);
  }

  /** `{name: 'chain', options: {bijectors: [link configs]}}`. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: Chain.schema.toConfig({ bijectors: this.bijectors.map((b) => b.getConfig()) }),
    };
  }

  /** Disposes every link. */
  override dispose(): void {
    for (const b of this.bijectors) b.dispose();
  }

  protected computeForward(x: tf.Tensor, options: CallOptions): ValueAndLogDet {
    let value = x;
    const logDets: tf.Tensor[] = [];
    for (const b of this.bijectors) {
      const step = b.forwardAndLogDet(value, options);
      value = step.value;
      logDets.push(step.logDet);
    }
    return { value, logDet: sumLogDets(logDets) };
  }

  protected computeInverse(y: tf.Tensor, options: CallOptions): ValueAndLogDet {
    let value = y;
    const logDets: tf.Tensor[] = [];
    for (let i = this.bijectors.length - 1; i >= 0; i--) {
      const step = (this.bijectors[i] as Bijector).inverseAndLogDet(value, options);
      value = step.value;
      logDets.push(step.logDet);
    }
    return { value, logDet: sumLogDets(logDets) };
  }

  protected override computeForwardValue(x: tf.Tensor, options: CallOptions): tf.Tensor {
    return this.bijectors.reduce((value, b) => b.forward(value, options), x);
  }

  protected override computeInverseValue(y: tf.Tensor, options: CallOptions): tf.Tensor {
    return this.bijectors.reduceRight((value, b) => b.inverse(value, options), y);
  }
}
