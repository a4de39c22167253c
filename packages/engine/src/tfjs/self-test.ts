import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import {
  customOp,
  fusedMatMulKernel,
  gradientsAllowingUnused,
  isTapeActive,
  tapeState,
  type TapeState,
} from './internals.js';

/**
 * Checks every assumption above on the active backend and returns what failed (empty: all hold):
 * the tape state's fields and their values inside a gradient, `_FusedMatMul` by name, gradients
 * with an unused input, and `customGrad`'s save argument.
 */
export function checkTfjsInternals(): string[] {
  const failures: string[] = [];
  const attempt = (what: string, check: () => void) => {
    try {
      check();
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  attempt('tape state', () => {
    if (isTapeActive()) throw new Error('a tape is active outside any gradient');
    let inside: TapeState | null = null;
    tf.tidy(() => {
      tf.grad((x: tf.Tensor) => {
        inside = { ...tapeState() };
        return tf.sum(x);
      })(tf.ones([2]));
    });
    const seen = inside as TapeState | null;
    if (!seen || seen.gradientDepth < 1 || seen.activeTape == null) {
      throw new Error('inside tf.grad the engine state shows no active tape');
    }
  });
  attempt('_FusedMatMul by name', () => {
    const got = tf.tidy(
      () =>
        fusedMatMulKernel(
          tf.tensor2d([[1, -2]]),
          tf.tensor2d([[1], [1]]),
          tf.tensor1d([0.5]),
          'relu',
        ).dataSync()[0],
    );
    if (got !== 0) throw new Error(`relu([1, -2]·[1, 1] + 0.5) gave ${got}, expected 0`);
  });
  attempt('gradients with an unused input', () => {
    let seen: [number | undefined, number | undefined, boolean] = [undefined, undefined, false];
    tf.tidy(() => {
      const a = tf.scalar(2);
      const b = tf.scalar(3);
      const { value, grads } = gradientsAllowingUnused(() => tf.mul(a, a), [a, b]);
      seen = [value.dataSync()[0], grads[0]?.dataSync()[0], grads[1] === null];
    });
    if (seen[0] !== 4 || seen[1] !== 4 || !seen[2]) {
      throw new Error(`a² at 2, its derivative and the unused input's null gradient gave ${seen.join(', ')}`);
    }
  });
  attempt('customGrad save argument', () => {
    const g = tf.tidy(() => {
      const double = customOp<[tf.Tensor]>(([x], save) => {
        save([x]);
        return { value: tf.mul(x, 2), gradFunc: (dy) => tf.mul(dy, 2) };
      });
      return tf
        .grad((x: tf.Tensor) => tf.sum(double(x)))(tf.ones([3]))
        .dataSync()[0];
    });
    if (g !== 2) throw new Error(`gradient of 2x gave ${g}`);
  });
  return failures;
}
