import * as tf from '@tensorflow/tfjs-core';
import { eventSize, type ActivationName, type EventShape } from '@bijective/core';
import { MLP } from '@bijective/engine';

/** What {@link LayerParameters} holds: K layers of P raw parameters, optionally shifted by a context network. */
export interface LayerParameterSpec {
  /** Number of layers K. */
  layers: number;
  /** Raw parameters per layer P. */
  size: number;
  /** Initial raw values, row-major `[K, P]`. */
  initial: Float32Array;
  /** Context event shape of a conditional stack, or null. */
  contextShape: EventShape | null;
  /** Hidden widths of the context network. */
  hidden: readonly number[];
  /** Hidden activation of the context network. */
  activation: ActivationName;
  /** Seed of the context network's initialisation. */
  seed: number;
}

/**
 * The raw parameters θ of K layers: a trainable `[K, P]` variable, plus, for a conditional stack,
 * θ(c) = θ + MLP(c) with a zero-initialised output layer (amortised parameters that start at θ for
 * every context, as in conditional planar flows for amortised inference, Rezende & Mohamed 2015 §6).
 */
export class LayerParameters {
  /** θ, `[K, P]`. */
  readonly base: tf.Variable;
  /** The context network of a conditional stack. */
  readonly network: MLP | null;

  /** Creates the variables from `spec`. */
  constructor(readonly spec: LayerParameterSpec) {
    this.base = tf.tidy(() => tf.variable(tf.tensor2d(spec.initial, [spec.layers, spec.size])));
    this.network =
      spec.contextShape === null
        ? null
        : new MLP({
            inputSize: eventSize(spec.contextShape),
            outputSize: spec.layers * spec.size,
            hiddenSizes: [...spec.hidden],
            activation: spec.activation,
            zeroInitOutput: true,
            seed: spec.seed,
          });
  }

  /** θ then the context network's kernels and biases. */
  get variables(): tf.Variable[] {
    return [this.base, ...(this.network?.variables ?? [])];
  }

  /** Raw parameters `[B, K, P]`: B = 1 without a context, else one row per context row. */
  raw(context: tf.Tensor | undefined): tf.Tensor3D {
    const { layers, size } = this.spec;
    const base = tf.reshape(this.base, [1, layers, size]) as tf.Tensor3D;
    if (this.network === null || context === undefined) return base;
    const rows = context.shape[0] as number;
    const flat = tf.reshape(context, [rows, context.size / rows]) as tf.Tensor2D;
    return tf.add(base, tf.reshape(this.network.apply(flat), [rows, layers, size])) as tf.Tensor3D;
  }

  /** Frees θ and the network. */
  dispose(): void {
    this.base.dispose();
    this.network?.dispose();
  }
}
