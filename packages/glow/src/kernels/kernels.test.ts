// The fused host kernels of the glow layers (actnorm, LU 1x1 convolution, affine coupling) against
// the same layers on plain tfjs ops: values, log-dets and every gradient (inputs and variables), in
// both directions, on the cpu and wasm backends.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '@tensorflow/tfjs-backend-wasm';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import type { Bijector } from '@bijective/core';
import { describe, expect, test } from 'vitest';
import { ActNorm, GlowCoupling, InvertibleConv1x1 } from '../index.js';
import { perturbed } from '../test-helpers.js';
import { useHostKernels, withoutHostKernels } from './host-backends.js';

const cases: Record<string, (shape: number[]) => Bijector> = {
  actnorm: (eventShape) => perturbed(new ActNorm({ eventShape }), 3, 0.5),
  'invertible-conv-1x1': (eventShape) => perturbed(new InvertibleConv1x1({ eventShape, seed: 4 }), 4, 0.3),
  'glow-coupling': (eventShape) =>
    perturbed(new GlowCoupling({ eventShape, hiddenChannels: 6, seed: 5 }), 5, 0.3),
};

/** Value, log-det and the gradients of a weighted sum of both with respect to the input and every variable. */
function evaluate(bijector: Bijector, x: tf.Tensor, inverse: boolean): Float32Array[] {
  return tf.tidy(() => {
    const weights = tf.randomNormal(x.shape, 0, 1, 'float32', 9);
    const rowWeights = tf.randomNormal([x.shape[0] as number], 0, 1, 'float32', 10);
    const loss = (input: tf.Tensor) => {
      const r = inverse ? bijector.inverseAndLogDet(input) : bijector.forwardAndLogDet(input);
      return tf.add(tf.sum(tf.mul(r.value, weights)), tf.sum(tf.mul(r.logDet, rowWeights))) as tf.Scalar;
    };
    const r = inverse ? bijector.inverseAndLogDet(x) : bijector.forwardAndLogDet(x);
    const dx = tf.grad(loss)(x);
    const { grads } = tf.variableGrads(() => loss(x), bijector.trainableVariables as tf.Variable[]);
    const dVars = (bijector.trainableVariables as tf.Variable[]).map((v) => grads[v.name] as tf.Tensor);
    return [r.value, r.logDet, dx, ...dVars].map((t) => t.dataSync() as Float32Array);
  });
}

describe.each(['cpu', 'wasm'])('glow host kernels on %s', (backend) => {
  for (const [name, make] of Object.entries(cases)) {
    for (const [shape, inverse] of [
      [[3, 4, 4], true],
      [[3, 4, 4], false],
      [[2, 3, 5], true],
      [[2, 3, 5], false],
    ] as const) {
      test(`${name} ${inverse ? 'density' : 'sampling'} direction on [2, ${shape}]: fused = plain ops`, async () => {
        await tf.setBackend(backend);
        expect(useHostKernels()).toBe(true);
        const bijector = make([...shape]);
        const x = tf.randomNormal([2, ...shape], 0, 1, 'float32', 11);
        const fused = evaluate(bijector, x, inverse);
        const plain = withoutHostKernels(() => evaluate(bijector, x, inverse));
        expect(fused.length).toBe(plain.length);
        fused.forEach((f, i) => {
          const p = plain[i] as Float32Array;
          const scale = Math.max(1, ...p.map(Math.abs));
          const worst = Math.max(...f.map((v, j) => Math.abs(v - (p[j] as number))));
          expect(worst / scale, `output ${i} of ${fused.length}`).toBeLessThan(2e-5);
        });
        const before = tf.memory().numTensors;
        evaluate(bijector, x, inverse);
        expect(tf.memory().numTensors).toBe(before);
        x.dispose();
        bijector.dispose();
      });
    }
  }
});
