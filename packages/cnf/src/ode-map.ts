import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, formatShape } from '@bijective/core';
import { solveAdjoint, type OdeSolver, type VectorField } from '@bijective/ode';
import type { EndTime, GradientMethod } from './cnf-solve.js';
import type { ConcatSquashField } from './field.js';

/** Options of {@link solveOdeMap}. */
export interface OdeMapOptions {
  /** The ODE solver. */
  solver: OdeSolver;
  /** Integration time T (fixed or learned). */
  endTime: EndTime;
  /** Zero-initialised dimensions appended to the state (Dupont et al. 2019); the field's state has d + augment. */
  augment?: number;
  /** Gradients by backpropagation through the solver (default) or the adjoint method. */
  gradient?: GradientMethod;
  /** Conditioning rows `[n, c]` for a field with a context. */
  context?: tf.Tensor2D;
}

/**
 * The neural-ODE map x ↦ z(T) of dz/dt = f(z, t) with z(0) = [x, 0_k] (Chen et al. 2018), returning
 * the first d coordinates: with `augment: k` the trajectories live in R^{d+k} and may pass each other
 * in x, which maps a plain ODE cannot represent (in 1-D, x ↦ −x; Dupont et al. 2019) become
 * reachable. No log-determinant: this is the map of regression and classification models.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createByName, useBackend } from '@bijective/core';
 * import { ConcatSquashField, solveOdeMap } from '@bijective/cnf';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const x = tf.reshape(tf.linspace(-1, 1, 8), [-1, 1]) as tf.Tensor2D;
 * const field = new ConcatSquashField({ stateSize: 2, hidden: [16], activation: 'tanh', contextSize: 0, zeroInitOutput: false, seed: 0 });
 * const y = solveOdeMap(field, x, { solver: createByName('odeSolver', 'rk4', { steps: 10 }), endTime: 1, augment: 1 });
 * console.log(y.shape); // [8, 1]: one augmented dimension in the state, dropped at the end
 * ```
 */
export function solveOdeMap(field: ConcatSquashField, x: tf.Tensor2D, options: OdeMapOptions): tf.Tensor2D {
  const k = options.augment ?? 0;
  const [n, d] = x.shape;
  if (x.rank !== 2 || d + k !== field.options.stateSize) {
    throw new ShapeError(
      `solveOdeMap: x of shape ${formatShape(x.shape)} plus ${k} augmented dimension(s) does not match the field's state width ${field.options.stateSize}`,
    );
  }
  const { endTime, context } = options;
  return tf.tidy(() => {
    const f: VectorField = (s, [z]) => {
      const T = typeof endTime === 'number' ? tf.scalar(endTime) : endTime.value();
      return [tf.mul(field.apply(z as tf.Tensor2D, tf.mul(T, s) as tf.Scalar, context), T)];
    };
    const z0 = k === 0 ? x : (tf.concat([x, tf.zeros([n, k])], 1) as tf.Tensor2D);
    const params = [...field.variables, ...(typeof endTime === 'number' ? [] : endTime.variables)];
    const { states } =
      options.gradient === 'adjoint'
        ? solveAdjoint(options.solver, f, [z0], [0, 1], params)
        : options.solver.solve(f, [z0], [0, 1]);
    const end = (states[1] as tf.Tensor[])[0] as tf.Tensor2D;
    return k === 0 ? end : (tf.slice(end, [0, 0], [-1, d]) as tf.Tensor2D);
  });
}
