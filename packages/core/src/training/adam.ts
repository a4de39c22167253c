import * as tf from '@tensorflow/tfjs-core';

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
 * m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g², θ ← θ - lr (m/(1-β1ᵗ)) / (sqrt(v/(1-β2ᵗ)) + ε) - lr λ θ.
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
    tf.tidy(() => {
      for (const variable of variables) {
        const g = grads[variable.name];
        if (!g) continue;
        let state = this.moments.get(variable);
        if (!state) {
          state = {
            m: tf.variable(tf.zerosLike(variable), false),
            v: tf.variable(tf.zerosLike(variable), false),
          };
          this.moments.set(variable, state);
        }
        state.m.assign(tf.add(tf.mul(this.beta1, state.m), tf.mul(1 - this.beta1, g)));
        state.v.assign(tf.add(tf.mul(this.beta2, state.v), tf.mul(1 - this.beta2, tf.square(g))));
        const step = tf.div(tf.div(state.m, c1), tf.add(tf.sqrt(tf.div(state.v, c2)), this.epsilon));
        const decayed = this.weightDecay > 0 ? tf.mul(variable, 1 - lr * this.weightDecay) : variable;
        variable.assign(tf.sub(decayed, tf.mul(lr, step)));
      }
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
