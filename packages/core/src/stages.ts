import * as tf from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { Chain } from './bijectors/chain.js';
import { ChainedFlow } from './bijectors/chained-flow.js';
import { OptionError } from './errors.js';
import { Flow } from './flow.js';

/** Options of {@link flowStages}. */
export interface FlowStagesOptions {
  /**
   * `inverse` (default): data pushed towards the base, x_K = x, x_{k-1} = f_k^{-1}(x_k);
   * `forward`: base points pulled towards the data, z_0 = z, z_k = f_k(z_{k-1}).
   */
  direction?: 'inverse' | 'forward';
  /** Context rows of a conditional flow, passed to every link. */
  context?: tf.Tensor;
}

/** The states of a batch along a flow, one tensor per stage, and the links between them. */
export interface FlowStages {
  /** The batch at each stage in the order visited: the input first, the other end of the flow last. */
  states: tf.Tensor[];
  /** The registry names of the links crossed, `links[k]` between `states[k]` and `states[k + 1]`. */
  links: string[];
}

/**
 * The links of `bijector` in forward (base to data) order, with chains and chained flows (RealNVP,
 * MAF, NSF, ...) opened up; a fused or single-layer bijector stays one link.
 */
export function flowLinks(bijector: Bijector): Bijector[] {
  if (bijector instanceof ChainedFlow) return flowLinks(bijector.chain);
  if (bijector instanceof Chain) return bijector.bijectors.flatMap(flowLinks);
  return [bijector];
}

/**
 * A batch pushed through a flow one link at a time ("see inside"): for f = f_K ∘ … ∘ f_1 (base to
 * data, links from {@link flowLinks}), the inverse direction returns x, f_K^{-1}(x), …, z = f^{-1}(x)
 * and the forward direction z, f_1(z), …, f(z); each state is a new tensor the caller disposes.
 * The normalizing-flow picture of Rezende & Mohamed (2015), Fig. 1 / Dinh et al. (2017), Fig. 1.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Chain, Flow, Scale, Shift, StandardNormal, flowStages, useBackend } from '@bijective/core';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const flow = new Flow(
 *   new StandardNormal({ eventShape: [2] }),
 *   new Chain([new Scale({ eventShape: [2], scale: 2 }), new Shift({ eventShape: [2], shift: 1 })]),
 * );
 * const { states, links } = flowStages(flow, tf.tensor2d([[3, 5]]));
 * console.log(links, states.map((s) => Array.from(s.dataSync()))); // [shift, scale], [[3, 5], [2, 4], [1, 2]]
 * tf.dispose(states);
 * ```
 */
export function flowStages(flow: Flow | Bijector, x: tf.Tensor, options: FlowStagesOptions = {}): FlowStages {
  const direction = options.direction ?? 'inverse';
  if (direction !== 'inverse' && direction !== 'forward') {
    throw new OptionError(`flowStages: direction must be 'inverse' or 'forward', got ${String(direction)}`);
  }
  const bijector = flow instanceof Flow ? flow.bijector : flow;
  const forwardLinks = flowLinks(bijector);
  const links = direction === 'inverse' ? [...forwardLinks].reverse() : forwardLinks;
  const call = { ...(options.context ? { context: options.context } : {}) };
  const states: tf.Tensor[] = [tf.clone(x)];
  try {
    for (const link of links) {
      const last = states[states.length - 1] as tf.Tensor;
      states.push(
        tf.tidy(() => (direction === 'inverse' ? link.inverse(last, call) : link.forward(last, call))),
      );
    }
  } catch (error) {
    tf.dispose(states);
    throw error;
  }
  return { states, links: links.map((l) => l.name) };
}
