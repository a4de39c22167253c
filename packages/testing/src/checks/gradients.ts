import * as tf from '@tensorflow/tfjs-core';
import { hostRng } from '@bijective/core';
import { drawBatch, standardNormal } from '../cases.js';
import { CheckFailure } from '../failure.js';
import { callOptions, eventSizes, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

/** Builds L = Σ a⊙f(x) + Σ α·logDet_f(x) + Σ b⊙f⁻¹(y) + Σ β·logDet_{f⁻¹}(y) with random weights. */
function lossOf(s: BijectorSubject): () => tf.Scalar {
  const { batch } = eventSizes(s);
  const rng = hostRng(s.seed ^ 0x5bd1e995);
  const b = s.bijector;
  const [a, alpha, w, beta] = [b.outputEventShape, [], b.eventShape, []].map(
    (shape) => drawBatch(rng, batch, shape, standardNormal).tensor,
  ) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const o = callOptions(s);
  return () => {
    const fwd = b.forwardAndLogDet(s.x, o);
    const inv = b.inverseAndLogDet(s.y, o);
    return tf.addN([
      tf.sum(tf.mul(a, fwd.value)),
      tf.sum(tf.mul(alpha, fwd.logDet)),
      tf.sum(tf.mul(w, inv.value)),
      tf.sum(tf.mul(beta, inv.logDet)),
    ]) as tf.Scalar;
  };
}

/**
 * (f) Gradients reach every trainable variable: tf.variableGrads of a random projection of both
 * directions' values and log-dets returns a finite gradient for each trainable variable (a missing
 * one was never used: disconnected), and not all of them are zero. Individual gradients may be zero:
 * a zero-initialised output layer zeroes the gradients of the layers before it.
 */
export const gradientsCheck: BijectorCheck<'gradients'> = {
  name: 'gradients',
  claim: 'every trainable variable receives a finite gradient from both directions, not all of them zero',
  run(s: BijectorSubject) {
    const vars = [...s.bijector.trainableVariables];
    if (vars.length === 0) return;
    let grads: tf.NamedTensorMap;
    try {
      grads = tf.variableGrads(lossOf(s), vars).grads;
    } catch (e) {
      throw new CheckFailure(`tf.variableGrads failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const missing = vars.filter((v) => !grads[v.name]).map((v) => `${v.name} [${v.shape.join(', ')}]`);
    if (missing.length > 0) {
      throw new CheckFailure(
        `no gradient reaches ${missing.length} of ${vars.length} trainable variables: ${missing.join(', ')}`,
      );
    }
    let anyNonZero = false;
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      const bad = g.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new CheckFailure(`the gradient of ${v.name} has ${g[bad]} at flat index ${bad}`);
      anyNonZero ||= g.some((x) => x !== 0);
    }
    if (!anyNonZero)
      throw new CheckFailure(`every gradient is exactly zero (${vars.map((v) => v.name).join(', ')})`);
  },
};
