import * as tf from '@tensorflow/tfjs-core';
import type { Bijector } from '../bijector.js';
import { Shift } from '../bijectors/shift.js';
import { OptionError, ShapeError } from '../errors.js';
import { Flow, type FlowConfig } from '../flow.js';
import type { JsonObject } from '../json.js';
import { hostRng } from '../numerics/random.js';
import { createBijector, createByName } from '../registry.js';
import { checkBatchOfEvents, checkEventShape, formatShape, sameShape, type EventShape } from '../shapes.js';
import type { BaseDistribution, DistributionConfig, SampleOptions } from './distribution.js';
import { checkSampleCount } from './sampling.js';

/** The most component flows a {@link FlowMixture} takes. */
export const MAX_MIXTURE_FLOWS = 64;

/** Options of {@link FlowMixture}. */
export interface FlowMixtureOptions {
  /** Event shape of every component flow (data side). */
  eventShape: number[];
  /** The component flows' configs (base and bijector), each rebuilt through the registry. */
  flows: FlowConfig[];
  /** Mixture weights w_k ≥ 0, one a flow, normalised to sum to 1 (default: equal). */
  weights?: number[];
}

/** Checks one component config's structure: `{base: {name, options}, bijector: {name, options}}`. */
function checkFlowConfig(value: unknown, i: number): FlowConfig {
  const part = (v: unknown) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as { name?: unknown }).name === 'string' &&
    typeof (v as { options?: unknown }).options === 'object' &&
    (v as { options?: unknown }).options !== null &&
    !Array.isArray((v as { options?: unknown }).options);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionError(`flow-mixture: flows[${i}] must be {"base": {...}, "bijector": {...}}`);
  }
  const { base, bijector } = value as { base?: unknown; bijector?: unknown };
  if (!part(base) || !part(bijector)) {
    throw new OptionError(
      `flow-mixture: flows[${i}] must be {"base": {"name", "options"}, "bijector": {"name", "options"}}`,
    );
  }
  return value as FlowConfig;
}

/** Normalised weights from the options (equal when absent); throws an OptionError naming a bad one. */
function normalisedWeights(weights: unknown, k: number): number[] {
  if (weights === undefined) return Array.from({ length: k }, () => 1 / k);
  if (!Array.isArray(weights) || weights.length !== k) {
    throw new OptionError(`flow-mixture: weights must list one number per flow (${k})`);
  }
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new OptionError(`flow-mixture: weights[${i}] must be a finite number ≥ 0, got ${String(w)}`);
    }
  });
  const total = (weights as number[]).reduce((a, b) => a + b, 0);
  if (!(total > 0) || !Number.isFinite(total)) {
    throw new OptionError('flow-mixture: the weights must have a positive finite sum');
  }
  return (weights as number[]).map((w) => w / total);
}

/** Builds one component flow from its config; frees what it built when that fails. */
function buildFlow(config: FlowConfig, eventShape: EventShape, i: number): Flow {
  const base = createByName('distribution', config.base.name, config.base.options);
  let bijector: Bijector | undefined;
  try {
    bijector = createBijector(config.bijector);
    const flow = new Flow(base, bijector);
    if (!sameShape(flow.eventShape, eventShape)) {
      throw new ShapeError(
        `flow-mixture: flows[${i}] has events of shape ${formatShape(flow.eventShape)}, expected ${formatShape(eventShape)}`,
      );
    }
    if (bijector.contextShape !== null) {
      throw new OptionError(`flow-mixture: flows[${i}] is conditional; a mixture's flows take no context`);
    }
    return flow;
  } catch (e) {
    base.dispose();
    bijector?.dispose();
    throw e;
  }
}

/**
 * A finite mixture of normalizing flows, p(x) = Σ_k w_k p_k(x), as a base distribution: log p(x) =
 * logsumexp_k (log w_k + log p_k(x)); sampling draws a component k ~ Categorical(w) per row and a
 * sample of flow k. An ensemble of flows fitted to the same data (stacked density estimation,
 * Smyth & Wolpert 1999). The weights are fixed; the flows' variables are its variables, in
 * component order. Wrap it with {@link flowMixture} to save and load it as a model file.
 */
export class FlowMixture implements BaseDistribution {
  readonly name = 'flow-mixture';
  readonly eventShape: EventShape;
  /** The component flows, owned by the mixture. */
  readonly flows: readonly Flow[];
  /** The normalised weights. */
  readonly weights: readonly number[];

  /** Builds every component flow from its config through the registry; an invalid option throws an OptionError naming it. */
  constructor(options: FlowMixtureOptions) {
    this.eventShape = checkEventShape(options?.eventShape, 'flow-mixture');
    const configs: unknown = options.flows;
    if (!Array.isArray(configs) || configs.length === 0 || configs.length > MAX_MIXTURE_FLOWS) {
      throw new OptionError(`flow-mixture: flows must list 1 to ${MAX_MIXTURE_FLOWS} flow configs`);
    }
    this.weights = normalisedWeights(options.weights, configs.length);
    const checked = configs.map((c, i) => checkFlowConfig(c, i));
    const flows: Flow[] = [];
    try {
      checked.forEach((c, i) => flows.push(buildFlow(c, this.eventShape, i)));
    } catch (e) {
      for (const f of flows) f.dispose();
      throw e;
    }
    this.flows = flows;
  }

  /** Every flow's variables, in component order. */
  get variables(): readonly tf.Variable[] {
    return this.flows.flatMap((f) => f.variables);
  }

  /** Every flow's trainable variables (the weights are fixed). */
  get trainableVariables(): readonly tf.Variable[] {
    return this.flows.flatMap((f) => f.trainableVariables);
  }

  /** logsumexp_k (log w_k + log p_k(x)) per row; components of weight 0 are left out. */
  logProb(x: tf.Tensor): tf.Tensor {
    checkBatchOfEvents(x, this.eventShape, 'flow-mixture logProb input');
    return tf.tidy(() => {
      const used = this.flows.flatMap((f, k) => ((this.weights[k] as number) > 0 ? [k] : []));
      const terms = used.map((k) =>
        tf.add((this.flows[k] as Flow).logProb(x), Math.log(this.weights[k] as number)),
      );
      return terms.length === 1 ? (terms[0] as tf.Tensor) : tf.logSumExp(tf.stack(terms), 0);
    });
  }

  /**
   * Draws `n` rows: row i's component k_i ~ Categorical(w) on the host (seeded), then n_k samples
   * of flow k (seed + 1 + k), gathered back into row order.
   */
  sample(n: number, options: SampleOptions = {}): tf.Tensor {
    checkSampleCount(n);
    const seed = options.seed;
    const rng = hostRng(seed ?? Math.floor(Math.random() * 2 ** 31));
    const k = this.flows.length;
    const cumulative: number[] = [];
    let total = 0;
    for (const w of this.weights) cumulative.push((total += w));
    const last = this.weights.reduce((at, w, j) => (w > 0 ? j : at), 0);
    const counts = new Array<number>(k).fill(0);
    const picks = Array.from({ length: n }, () => {
      const u = rng.uniform() * total;
      let j = cumulative.findIndex((c, i) => u < c && (this.weights[i] as number) > 0);
      if (j < 0) j = last;
      counts[j] = (counts[j] as number) + 1;
      return j;
    });
    const offsets = new Array<number>(k).fill(0);
    for (let j = 1; j < k; j++) offsets[j] = (offsets[j - 1] as number) + (counts[j - 1] as number);
    const taken = new Array<number>(k).fill(0);
    const order = picks.map((j) => {
      const index = (offsets[j] as number) + (taken[j] as number);
      taken[j] = (taken[j] as number) + 1;
      return index;
    });
    return tf.tidy(() => {
      const parts = this.flows.flatMap((f, j) =>
        (counts[j] as number) > 0
          ? [f.sample(counts[j] as number, seed === undefined ? {} : { seed: seed + 1 + j })]
          : [],
      );
      const all = parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0);
      return tf.gather(all, tf.tensor1d(order, 'int32'));
    });
  }

  /** `{name: 'flow-mixture', options: {eventShape, weights, flows: [{base, bijector}, ...]}}`. */
  getConfig(): DistributionConfig {
    return {
      name: this.name,
      options: {
        eventShape: [...this.eventShape],
        weights: [...this.weights],
        flows: this.flows.map((f) => f.getConfig() as unknown as JsonObject),
      },
    };
  }

  /** Frees every component flow. */
  dispose(): void {
    for (const f of this.flows) f.dispose();
  }
}

/**
 * The mixture Σ_k w_k p_k of trained flows as one flow that saves and loads like any other (a
 * {@link FlowMixture} base under a fixed zero shift): each flow is rebuilt from its config and its
 * variables' values are copied, so the result owns its own variables and `flows` stay the caller's.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, flowMixture, useBackend } from '@bijective/core';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const a = new Flow(new StandardNormal({ eventShape: [1] }), create('bijector', 'shift', { eventShape: [1], shift: -2 }));
 * const b = new Flow(new StandardNormal({ eventShape: [1] }), create('bijector', 'shift', { eventShape: [1], shift: 2 }));
 * const mixture = flowMixture([a, b], [0.25, 0.75]); // p(x) = ¼ N(x; −2, 1) + ¾ N(x; 2, 1)
 * console.log(mixture.logProb(tf.tensor2d([[-2], [2]])).arraySync(), mixture.sample(4, { seed: 0 }).arraySync());
 * for (const f of [a, b, mixture]) f.dispose();
 * ```
 */
export function flowMixture(flows: readonly Flow[], weights?: readonly number[]): Flow {
  const first = flows[0];
  if (!first) throw new OptionError('flowMixture: needs at least one flow');
  const eventShape = [...first.eventShape];
  const mixture = new FlowMixture({
    eventShape,
    flows: flows.map((f) => f.getConfig()),
    ...(weights ? { weights: [...weights] } : {}),
  });
  try {
    const target = mixture.variables;
    const source = flows.flatMap((f) => f.variables);
    if (target.length !== source.length) {
      throw new ShapeError(
        `flowMixture: the rebuilt flows hold ${target.length} variables, the given ones ${source.length}`,
      );
    }
    target.forEach((v, i) => v.assign(source[i] as tf.Variable));
    return new Flow(mixture, new Shift({ eventShape, shift: 0, trainable: false }));
  } catch (e) {
    mixture.dispose();
    throw e;
  }
}
