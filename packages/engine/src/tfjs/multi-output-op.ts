import * as tf from '@tensorflow/tfjs-core';
import { TfjsInternalsError } from './internals.js';

/** What a {@link multiOutputOp}'s forward returns: its outputs and the gradient of each input. @internal */
export interface MultiOutputOpResult {
  /** The op's outputs (new tensors). */
  values: tf.Tensor[];
  /**
   * ∂L/∂input for each input, in order, from every output's gradient (tfjs passes zeros for an
   * output off the gradient's path) and the tensors the forward saved.
   */
  gradFunc: (dys: tf.Tensor[], saved: tf.Tensor[]) => tf.Tensor[];
}

/** The engine method `tf.customGrad` runs on, which takes a forward with several outputs. */
interface KernelFuncEngine {
  runKernelFunc(params: {
    forwardFunc: (backend: unknown, save: tf.GradSaveFunc) => tf.Tensor[];
    backwardsFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: tf.NamedTensorMap;
  }): tf.Tensor | tf.Tensor[];
}

/**
 * A differentiable op with several outputs as ONE tape node (`tf.customGrad` takes one output, so an
 * op with two would pay a concat forward and a split of the gradient). `forward` runs untaped, like
 * a kernel: it may call kernels, `save` the tensors its gradient needs, and returns its outputs with
 * their gradient function. Gradients flow to `inputs` only; tensors the forward reads otherwise (a
 * constant probe) are constants.
 * @internal
 */
export function multiOutputOp(
  inputs: readonly tf.Tensor[],
  forward: (save: tf.GradSaveFunc) => MultiOutputOpResult,
): tf.Tensor[] {
  const engine = tf.engine() as unknown as Partial<KernelFuncEngine>;
  if (typeof engine.runKernelFunc !== 'function')
    throw new TfjsInternalsError('engine().runKernelFunc', 'is missing');
  let result: MultiOutputOpResult | undefined;
  const named: tf.NamedTensorMap = {};
  inputs.forEach((t, i) => (named[i] = t));
  const out = (engine as KernelFuncEngine).runKernelFunc({
    forwardFunc: (_backend, save) => {
      result = forward(save);
      return result.values;
    },
    backwardsFunc: (dy, saved) => {
      const grads = (result as MultiOutputOpResult).gradFunc(Array.isArray(dy) ? dy : [dy], saved);
      if (grads.length !== inputs.length)
        throw new Error(`multiOutputOp: got ${grads.length} gradients for ${inputs.length} inputs`);
      return Object.fromEntries(grads.map((g, i) => [String(i), () => g]));
    },
    inputs: named,
  });
  return Array.isArray(out) ? out : [out];
}
