import * as tf from '@tensorflow/tfjs-core';

/** An elementwise activation whose gradient is itself differentiable (second-order exact). */
export type FieldActivation = (x: tf.Tensor) => tf.Tensor;

/**
 * An elementwise op a(x) whose gradient dy · a'(x) is recomputed from the saved input x with ordinary
 * differentiable ops, so that differentiating the gradient again (a trace estimator's parameter
 * gradient, the adjoint's vector-Jacobian products) is exact.
 *
 * Why: tfjs-core 4.22's own gradients of tanh, sigmoid, exp and elu read their saved *output* y; the
 * engine records the copy of y on the tape before the op that made it, so a second backward pass
 * reaches y's copy after it has already passed y's op and drops the term through y. Saved *inputs*
 * are recorded before their consumers and are safe. The global gradients stay tfjs's own.
 */
function secondOrderSafe(value: FieldActivation, derivative: FieldActivation): FieldActivation {
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: value(x),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, derivative(saved[0] as tf.Tensor)),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as FieldActivation;
  return (x) => op(x);
}

/** σ(x) = 1 / (1 + e^{-x}) with σ' = σ(1 − σ) recomputed from x. */
export const sigmoid: FieldActivation = secondOrderSafe(
  (x) => tf.sigmoid(x),
  (x) => {
    const s = tf.sigmoid(x);
    return tf.mul(s, tf.sub(1, s));
  },
);

/** tanh(x) with tanh' = 1 − tanh² recomputed from x. */
export const tanh: FieldActivation = secondOrderSafe(
  (x) => tf.tanh(x),
  (x) => tf.sub(1, tf.square(tf.tanh(x))),
);

/** e^x with its derivative recomputed from x. */
export const exp: FieldActivation = secondOrderSafe(
  (x) => tf.exp(x),
  (x) => tf.exp(x),
);

/** elu(x) = x for x > 0, e^x − 1 otherwise (Clevert et al. 2016), with elu' = step(x) + e^{min(x,0)}·step(−x). */
export const elu: FieldActivation = secondOrderSafe(
  (x) => tf.elu(x),
  (x) => {
    const positive = tf.step(x);
    return tf.add(positive, tf.mul(tf.sub(1, positive), tf.exp(tf.minimum(x, 0))));
  },
);

/** softplus(x) = log(1 + e^x), with softplus' = σ(x) recomputed from x (tfjs's own gradient reads x too). */
export const softplus: FieldActivation = secondOrderSafe(
  (x) => tf.softplus(x),
  (x) => tf.sigmoid(x),
);

/** swish(x) = x σ(x) (Ramachandran et al. 2017), with swish' = σ(x)(1 + x(1 − σ(x))). */
export const swish: FieldActivation = secondOrderSafe(
  (x) => tf.mul(x, tf.sigmoid(x)),
  (x) => {
    const s = tf.sigmoid(x);
    return tf.mul(s, tf.add(1, tf.mul(x, tf.sub(1, s))));
  },
);

/** The activations a CNF vector field may use, each with an exact second-order gradient. */
export const FIELD_ACTIVATIONS = { tanh, softplus, sigmoid, elu, swish } as const;

/** Name of one of the {@link FIELD_ACTIVATIONS}. */
export type FieldActivationName = keyof typeof FIELD_ACTIVATIONS;
