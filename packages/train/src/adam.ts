import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@bijective/core';
import { adamKernel } from '@bijective/engine';
import type { AdamState } from './fit-state.js';

/** Adam's hyper-parameters (Kingma & Ba 2015). */
export interface AdamOptions {
  /** β1, the first-moment decay (default 0.9). */
  beta1?: number;
  /** β2, the second-moment decay (default 0.999). */
  beta2?: number;
  /** ε added to the root second moment (default 1e-8). */
  epsilon?: number;
  /** Decoupled weight decay λ (AdamW, Loshchilov & Hutter 2019); default 0. */
  weightDecay?: number;
}

/**
 * Adam with a learning rate given per step (so schedules need no optimizer rebuild):
 * m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g², θ ← θ - lr (m/(1-β1ᵗ)) / (sqrt(v/(1-β2ᵗ)) + ε) - lr λ θ
 * (Kingma & Ba 2015; decoupled decay, Loshchilov & Hutter 2019).
 *
 * The whole update of all variables is ONE host kernel (per-kernel dispatch dominates small
 * models). Its buffers hold the rescaled moments m̃ = m/(1-β1) and ṽ = v/(1-β2), so that
 * m̃ ← β1 m̃ + g and ṽ ← β2 ṽ + g², and the bias corrections fold into two scalars per step,
 * θ ← θ - α m̃ / (sqrt(ṽ) + ε̃) with α = lr (1-β1) sqrt(c2 / (1-β2)) / c1 and ε̃ = ε sqrt(c2 / (1-β2)),
 * where c1 = 1-β1ᵗ and c2 = 1-β2ᵗ: the same update, algebraically.
 */
export class Adam {
  private readonly moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;

  /** Creates the optimizer; moment buffers are made on first use of each variable. */
  constructor(options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
  }

  /** Applies one update with learning rate `lr`; `grads` maps variable names to gradients. */
  apply(variables: readonly tf.Variable[], grads: tf.NamedTensorMap, lr: number): void {
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const root = Math.sqrt(c2 / (1 - this.beta2));
    const updated: { variable: tf.Variable; m: tf.Variable; v: tf.Variable }[] = [];
    const inputs: tf.Tensor[] = [];
    for (const variable of variables) {
      const g = grads[variable.name];
      if (!g) continue;
      let state = this.moments.get(variable);
      if (!state) {
        state = tf.tidy(() => ({
          m: tf.variable(tf.zerosLike(variable), false),
          v: tf.variable(tf.zerosLike(variable), false),
        }));
        this.moments.set(variable, state);
      }
      updated.push({ variable, ...state });
      inputs.push(variable, g, state.m, state.v);
    }
    if (updated.length === 0) return;
    const outputs = adamKernel(inputs, {
      beta1: this.beta1,
      beta2: this.beta2,
      alpha: (lr * (1 - this.beta1) * root) / c1,
      epsilon: this.epsilon * root,
      keep: 1 - lr * this.weightDecay,
    });
    updated.forEach(({ variable, m, v }, k) => {
      const [theta, m2, v2] = outputs.slice(3 * k, 3 * k + 3) as tf.Tensor[];
      variable.assign(theta as tf.Tensor);
      m.assign(m2 as tf.Tensor);
      v.assign(v2 as tf.Tensor);
    });
    tf.dispose(outputs);
  }

  /** The step count and the moments of `variables` (host copies), for a checkpoint. */
  state(variables: readonly tf.Variable[]): AdamState {
    return {
      t: this.t,
      moments: variables.map((variable) => {
        const state = this.moments.get(variable);
        return state
          ? { m: Float32Array.from(state.m.dataSync()), v: Float32Array.from(state.v.dataSync()) }
          : null;
      }),
    };
  }

  /** Restores a {@link state} taken for the same `variables` (same order and sizes). */
  restore(variables: readonly tf.Variable[], saved: AdamState): void {
    if (saved.moments.length !== variables.length) {
      throw new ShapeError(
        `Adam: saved moments of ${saved.moments.length} variables, optimising ${variables.length}`,
      );
    }
    this.dispose();
    this.t = saved.t;
    variables.forEach((variable, i) => {
      const moments = saved.moments[i];
      if (!moments) return;
      if (moments.m.length !== variable.size || moments.v.length !== variable.size) {
        throw new ShapeError(
          `Adam: saved moments of variable ${i} do not match '${variable.name}' (${variable.size} values)`,
        );
      }
      this.moments.set(
        variable,
        tf.tidy(() => ({
          m: tf.variable(tf.tensor(moments.m, variable.shape), false),
          v: tf.variable(tf.tensor(moments.v, variable.shape), false),
        })),
      );
    });
  }

  /** Frees the moment buffers. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
