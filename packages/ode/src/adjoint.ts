import * as tf from '@tensorflow/tfjs-core';
import '@bijective/engine/gradients';
import { ValueError } from '@bijective/core';
import { withIsolatedTape } from '@bijective/engine';
import { checkInitialState, checkTimes } from './checks.js';
import { chunk, pack, unpack } from './pack.js';
import type { OdeSolver, SolveOptions, SolveResult, SolveStats, VectorField } from './solver.js';
import { fieldVjp } from './vjp.js';

/** Options of {@link solveAdjoint}. */
export interface AdjointOptions {
  /** Solver of the backward (adjoint) solve; default the forward solver. */
  backwardSolver?: OdeSolver;
  /** Options of the forward solve (e.g. which state tensors its error control measures). */
  forward?: SolveOptions;
}

/** A solve whose gradient runs the adjoint method; `backwardStats` fills in when gradients flow back. */
export interface AdjointSolveResult extends SolveResult {
  /** Work of the backward solves, accumulated over every backward pass through this result. */
  readonly backwardStats: SolveStats;
}

/**
 * Solves dz/dt = f(t, z; θ) like `solver.solve`, with gradients by the adjoint method of Chen et al.
 * (2018): for a loss L the backward pass integrates the augmented system
 * d/dt [z, a, a_θ] = [f, -aᵀ ∂f/∂z, -aᵀ ∂f/∂θ] from each requested time back to the previous one,
 * starting from a = ∂L/∂z(t_N), a_θ = 0, adding ∂L/∂z(t_i) to a and restarting z from the forward
 * solution at each requested time t_i. It returns ∂L/∂z(t_0) and ∂L/∂θ = a_θ(t_0), so memory does not
 * grow with the number of steps (no tape is kept through the forward solve).
 *
 * `params` lists every tensor θ that f reads other than the state (typically its `tf.Variable`s);
 * gradients reach them and the initial state through `tf.grads`/`tf.variableGrads` as usual.
 * The backward solve's tolerance sets the gradient's accuracy. The gradient is not itself
 * differentiable (no higher-order gradients through an adjoint solve).
 */
export function solveAdjoint(
  solver: OdeSolver,
  f: VectorField,
  y0: readonly tf.Tensor[],
  times: readonly number[],
  params: readonly tf.Tensor[],
  options: AdjointOptions = {},
): AdjointSolveResult {
  const owner = `solveAdjoint(${solver.name})`;
  checkTimes(times, owner);
  checkInitialState(y0, owner);
  if (!Array.isArray(params) || !params.every((p) => p instanceof tf.Tensor && p.dtype === 'float32')) {
    throw new ValueError(
      `${owner}: params must be an array of float32 tensors (the vector field's variables)`,
    );
  }
  const backwardSolver = options.backwardSolver ?? solver;
  const size = y0.length;
  const shapes = times.flatMap(() => y0.map((t) => t.shape));
  const backwardStats: SolveStats = { nfe: 0, accepted: 0, rejected: 0 };
  let forwardStats: SolveStats = { nfe: 0, accepted: 0, rejected: 0 };

  const augmented: VectorField = (t, aug) => {
    const { value, stateGrads, paramGrads } = fieldVjp(
      f,
      t,
      aug.slice(0, size),
      aug.slice(size, 2 * size),
      params,
    );
    return [...value, ...[...stateGrads, ...paramGrads].map((g) => tf.neg(g))];
  };

  const backward = (cotangent: tf.Tensor, forward: tf.Tensor): tf.Tensor[] =>
    withIsolatedTape(() =>
      tf.tidy(() => {
        const dz = chunk(unpack(cotangent, shapes), size);
        const zs = chunk(unpack(forward, shapes), size);
        let a = dz[times.length - 1] as tf.Tensor[];
        let aTheta = params.map((p) => tf.zerosLike(p));
        for (let i = times.length - 1; i >= 1; i--) {
          const start = [...(zs[i] as tf.Tensor[]), ...a, ...aTheta];
          const next = tf.tidy(() => {
            const { states, stats } = backwardSolver.solve(augmented, start, [
              times[i] as number,
              times[i - 1] as number,
            ]);
            backwardStats.nfe += stats.nfe;
            backwardStats.accepted += stats.accepted;
            backwardStats.rejected += stats.rejected;
            const end = states[1] as tf.Tensor[];
            const added = end
              .slice(size, 2 * size)
              .map((g, s) => tf.add(g, (dz[i - 1] as tf.Tensor[])[s] as tf.Tensor));
            return [...added, ...end.slice(2 * size)];
          });
          if (i < times.length - 1) tf.dispose(a);
          tf.dispose(aTheta);
          a = next.slice(0, size);
          aTheta = next.slice(size);
        }
        return [...a, ...aTheta];
      }),
    );

  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const z0 = args.slice(0, size) as tf.Tensor[];
    const packed = withIsolatedTape(() => {
      const { states, stats } = solver.solve(f, z0, times, options.forward);
      forwardStats = stats;
      const flat = pack(states.flat());
      tf.dispose(states);
      return flat;
    });
    save([packed]);
    return {
      value: packed,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved[0] as tf.Tensor),
    };
  });

  const packedOut = op(...y0, ...params);
  const states = tf.tidy(() => chunk(unpack(packedOut, shapes), size));
  packedOut.dispose();
  return { states, stats: forwardStats, backwardStats };
}
