import * as tf from '@tensorflow/tfjs-core';
import { OptionError } from '../errors.js';

/** Activation functions available to conditioner networks. */
export const ACTIVATIONS = {
  relu: (x: tf.Tensor) => tf.relu(x),
  tanh: (x: tf.Tensor) => tf.tanh(x),
  elu: (x: tf.Tensor) => tf.elu(x),
  /** x σ(x) (Ramachandran et al. 2017). */
  silu: (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x)),
} as const;

/** Name of an activation in {@link ACTIVATIONS}. */
export type ActivationName = keyof typeof ACTIVATIONS;

/** Looks up an activation by name, with an {@link OptionError} listing the known ones. */
export function activation(name: string): (x: tf.Tensor) => tf.Tensor {
  const fn = (ACTIVATIONS as Record<string, (x: tf.Tensor) => tf.Tensor>)[name];
  if (!fn)
    throw new OptionError(`unknown activation '${name}'; known: ${Object.keys(ACTIVATIONS).join(', ')}`);
  return fn;
}
