import {
  Chain,
  ChainedFlow,
  defineOptions,
  option,
  type BijectorConfig,
  type ResolvedOptions,
} from '@bijective/core';
import { couplingLinks, inputDegrees, partitionsJson } from '@bijective/engine';
import { SPLINE_OPTIONS } from './options.js';
import { SplineAutoregressiveStack } from './spline-autoregressive.js';
import { SPLINE_COUPLING_FIELDS, SplineCoupling, type SplineCouplingOptions } from './spline-coupling.js';

/** How the `nsf` flow conditions its splines: coupling halves (fast both ways) or a MADE (fast density, d-pass sampling). */
export type NSFTransform = 'coupling' | 'autoregressive';

/** Options of the `nsf` flow. */
export interface NSFOptions extends Omit<SplineCouplingOptions, 'partitions'> {
  /** Number of spline layers (>= 1); default 4 ({@link NSF_DEFAULT_LAYERS}). */
  layers?: number;
  /** `coupling`: spline couplings and reversals (needs d >= 2); `autoregressive`: spline MADE layers with alternating natural/reversed orders; default `coupling`. */
  transform?: NSFTransform;
}

/** Default number of spline layers of the `nsf` flow. */
export const NSF_DEFAULT_LAYERS = 4;

/** The fields of the `nsf` flow, in config order: the spline coupling's, its layer count and transform. */
const FIELDS = {
  ...SPLINE_COUPLING_FIELDS,
  /** `[d]`: d >= 2 with couplings (they split the event), d >= 1 with autoregressive layers. */
  eventShape: option.custom({
    read: (value, c): [number] =>
      (c.value<NSFTransform>('transform') === 'coupling'
        ? SPLINE_OPTIONS.splitEventShape
        : SPLINE_OPTIONS.vectorShape
      ).read(value, c),
  }),
  layers: option.count({ default: NSF_DEFAULT_LAYERS }),
  transform: option.oneOf(['coupling', 'autoregressive'], { default: 'coupling' }),
};

/**
 * Neural spline flow (Durkan et al. 2019, "Neural Spline Flows"): rational-quadratic spline couplings
 * with reversals between them (run as one fused op, {@link couplingLinks}), so consecutive layers transform alternating halves, log|det J| =
 * Σ_layers Σ_B log g'(x_B); or (`transform: 'autoregressive'`) autoregressive spline layers with
 * alternating orders, log|det J| = Σ_layers Σ_i log g'_{θ_i}(z_i).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, useBackend } from '@bijective/core';
 * import { NSF } from '@bijective/spline';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const coupling = new NSF({ eventShape: [3], layers: 4, bins: 8, bound: 3, identityInit: false, seed: 1 });
 * const autoregressive = new NSF({ eventShape: [3], layers: 2, transform: 'autoregressive', seed: 1 });
 * const flow = new Flow(new StandardNormal({ eventShape: [3] }), coupling);
 * console.log(coupling.fastDirection, autoregressive.fastDirection); // 'both' 'inverse'
 * console.log(flow.logProb(tf.zeros([2, 3])).arraySync(), flow.sample(2, { seed: 3 }).shape);
 * ```
 */
export class NSF extends ChainedFlow {
  readonly name = 'nsf';
  /** Its options, declared once. */
  static readonly schema = defineOptions('nsf', FIELDS);
  /** Number of spline layers. */
  readonly layers: number;
  /** Coupling or autoregressive spline layers. */
  readonly transform: NSFTransform;
  /** The resolved options. */
  private readonly resolved: ResolvedOptions<typeof FIELDS>;

  /** Builds the flow; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: NSFOptions) {
    const r = NSF.schema.read(options);
    const { layers, transform, seed } = r;
    const coupling = transform === 'coupling';
    const d = r.eventShape[0];
    const settings = {
      eventShape: r.eventShape,
      hidden: r.hidden,
      bins: r.bins,
      bound: r.bound,
      activation: r.activation,
      contextShape: r.contextShape,
      identityInit: r.identityInit,
    };
    // Fast both ways with couplings (all of them one fused op, the reversals folded into their
    // partitions); fast density (`inverse`) with autoregressive layers.
    super(
      new Chain(
        coupling
          ? couplingLinks(
              { eventShape: [d], layers, mask: 'halves', mixing: 'reverse', seed },
              {
                sequence: (partitions, layerSeed) =>
                  new SplineCoupling({
                    ...settings,
                    contextShape: settings.contextShape ? [...settings.contextShape] : undefined,
                    partitions: partitionsJson(partitions),
                    seed: layerSeed,
                  }),
              },
            )
          : [
              new SplineAutoregressiveStack(
                settings,
                Array.from({ length: layers }, (_, i) => ({
                  degrees: inputDegrees(d, i % 2 === 0 ? 'natural' : 'reversed'),
                  seed: (seed + i) % 2 ** 32,
                })),
              ),
            ],
      ),
    );
    this.layers = layers;
    this.transform = transform;
    this.resolved = r;
  }

  /** `{name: 'nsf', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return { name: this.name, options: NSF.schema.toConfig(this.resolved) };
  }
}
