import { tapeState } from './internals.js';

/**
 * Runs `fn` as if no gradient were being recorded, with its own fresh tape for any `tf.grad`/`tf.grads`
 * it calls, and restores the engine's tape state afterwards. Nothing `fn` computes is recorded on an
 * enclosing tape, so `fn`'s result is not differentiable by it.
 *
 * Needed because tfjs-core 4.22 cannot nest gradients in a custom gradient: inside a `tf.customGrad`
 * forward the tape is off (so `tf.grads` there fails with "Cannot compute gradient"), and a `tf.grads`
 * inside a gradient function clears the outer backward pass's tape (which then fails reading `null`).
 * The adjoint method calls vector fields that may themselves differentiate (trace estimators) in both places.
 */
export function withIsolatedTape<T>(fn: () => T): T {
  const state = tapeState();
  const saved = {
    tape: state.activeTape,
    gradientDepth: state.gradientDepth,
    kernelDepth: state.kernelDepth,
  };
  state.gradientDepth = 0;
  state.kernelDepth = 0;
  try {
    return fn();
  } finally {
    state.activeTape = saved.tape;
    state.gradientDepth = saved.gradientDepth;
    state.kernelDepth = saved.kernelDepth;
  }
}
