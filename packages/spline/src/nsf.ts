import {
  Chain,
  ChainedFlow,
  OptionError,
  optionRecord,
  readSeed,
  readVectorShape,
  type BijectorConfig,
  type JsonObject,
  previewJson,
} from '@bijective/core';
import { couplingLinks, inputDegrees } from '@bijective/engine';
import { readInteger, readSplitEventShape } from './options.js';
import { SplineAutoregressiveStack, resolveSplineAutoregressive } from './spline-autoregressive.js';
import { SPLINE_COUPLING_KEYS, SplineCoupling, type SplineCouplingOptions } from './spline-coupling.js';

/** How the `nsf` flow conditions its splines: coupling halves (fast both ways) or a MADE (fast density, d-pass sampling). */
export type NSFTransform = 'coupling' | 'autoregressive';

/** Options of the `nsf` flow (defaults: coupling, 4 layers, hidden [64, 64], 8 bins, bound 3, relu). */
export interface NSFOptions extends SplineCouplingOptions {
  /** Number of spline layers (>= 1); default 4. */
  layers?: number;
  /** `coupling`: spline couplings and reversals (needs d >= 2); `autoregressive`: spline MADE layers with alternating natural/reversed orders; default `coupling`. */
  transform?: NSFTransform;
}

/** Default number of spline layers of the `nsf` flow. */
export const NSF_DEFAULT_LAYERS = 4;

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
  /** Number of spline layers. */
  readonly layers: number;
  /** Coupling or autoregressive spline layers. */
  readonly transform: NSFTransform;
  /** The first layer's resolved options (the others differ only in their seeds and orders). */
  private readonly layerOptions: JsonObject;

  /** Builds the flow; an invalid option throws an OptionError or ShapeError naming it. */
  constructor(options: NSFOptions) {
    const record = optionRecord('nsf', options, [...SPLINE_COUPLING_KEYS, 'layers', 'transform']);
    const transform = record.transform ?? 'coupling';
    if (transform !== 'coupling' && transform !== 'autoregressive') {
      throw new OptionError(
        `nsf: option 'transform' must be 'coupling' or 'autoregressive', got ${previewJson(transform)}`,
      );
    }
    const coupling = transform === 'coupling';
    const d = (coupling ? readSplitEventShape('nsf', record) : readVectorShape('nsf', record))[0];
    const layers = readInteger('nsf', record, 'layers', NSF_DEFAULT_LAYERS, 1);
    const seed = readSeed('nsf', record);
    const { layers: _layers, transform: _transform, ...rest } = options;
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
                    ...rest,
                    partitions: partitions.map((p) => ({
                      conditioned: [...p.indicesA],
                      transformed: [...p.indicesB],
                    })),
                    seed: layerSeed,
                  }),
              },
            )
          : [
              new SplineAutoregressiveStack(
                resolveSplineAutoregressive('nsf', record),
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
    const first = this.chain.bijectors[0] as SplineCoupling | SplineAutoregressiveStack;
    const { order: _order, partitions: _partitions, ...firstOptions } = first.configOptions();
    this.layerOptions = { ...firstOptions, seed };
  }

  /** `{name: 'nsf', options}` with every default filled in. */
  getConfig(): BijectorConfig {
    return {
      name: this.name,
      options: { ...this.layerOptions, layers: this.layers, transform: this.transform },
    };
  }
}
