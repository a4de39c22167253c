import * as tf from '@tensorflow/tfjs-core';
import '@bijective/backend-cpu';
import { Flow, OptionError, StandardNormal, create, loadFlow, saveFlow, useBackend } from '@bijective/core';
import { fit } from '@bijective/train';
import { beforeAll, describe, expect, test } from 'vitest';
import { SinhArcsinh } from './index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** The forward map and its log-derivative in float64 on the host, straight from the formulas. */
function reference(x: number, eps: number, delta: number): { y: number; logDet: number } {
  const u = (Math.asinh(x) + eps) / delta;
  return { y: Math.sinh(u), logDet: Math.log(Math.cosh(u)) - Math.log(delta) - 0.5 * Math.log(1 + x * x) };
}

describe('acme/sinh-arcsinh', () => {
  test('forward values and log-determinants match the float64 formulas', () => {
    const [eps, delta] = [0.7, 0.6];
    const xs = [-3, -0.5, 0, 0.25, 2.5];
    const bijector = new SinhArcsinh({ eventShape: [1], skewness: eps, tailweight: delta });
    const { value, logDet } = bijector.forwardAndLogDet(tf.tensor2d(xs, [xs.length, 1]));
    const y = value.dataSync();
    const ld = logDet.dataSync();
    xs.forEach((x, i) => {
      const r = reference(x, eps, delta);
      expect(y[i]).toBeCloseTo(r.y, 4);
      expect(ld[i]).toBeCloseTo(r.logDet, 5);
    });
    tf.dispose([value, logDet]);
    bijector.dispose();
  });

  test('the identity at ε = 0, δ = 1', () => {
    const bijector = new SinhArcsinh({ eventShape: [3] });
    const x = tf.tensor2d([[-2, 0.1, 4]]);
    const { value, logDet } = bijector.forwardAndLogDet(x);
    value.dataSync().forEach((v, i) => expect(v).toBeCloseTo(x.dataSync()[i] as number, 5));
    expect(logDet.dataSync()[0]).toBeCloseTo(0, 5);
    tf.dispose([x, value, logDet]);
    bijector.dispose();
  });

  test('a bad option is an OptionError naming it', () => {
    expect(() => create('bijector', 'acme/sinh-arcsinh', { eventShape: [2], tailweight: 0 })).toThrow(
      OptionError,
    );
    expect(() => create('bijector', 'acme/sinh-arcsinh', { eventShape: [2], tailweight: 100 })).toThrow(
      /option 'tailweight'/,
    );
    // @ts-expect-error: an unknown option is a compile error (declaration merging) and a run-time one
    expect(() => create('bijector', 'acme/sinh-arcsinh', { eventShape: [2], skew: 1 })).toThrow(
      /unknown option 'skew'/,
    );
  });

  test('maximum likelihood recovers the skewness and tail weight of sinh-arcsinh data', () => {
    const truth = new SinhArcsinh({ eventShape: [1], skewness: 0.8, tailweight: 0.7, trainable: false });
    const z = tf.randomNormal([4000, 1], 0, 1, 'float32', 7);
    const data = truth.forward(z);
    const flow = new Flow(new StandardNormal({ eventShape: [1] }), new SinhArcsinh({ eventShape: [1] }));
    fit(flow, data, { steps: 400, batchSize: 512, learningRate: 0.03, validationFraction: 0 });
    const learned = flow.bijector as SinhArcsinh;
    const delta = Math.exp(3 * Math.tanh((learned.rawTailweight.dataSync()[0] as number) / 3));
    expect(learned.skewness.dataSync()[0]).toBeCloseTo(0.8, 1);
    expect(delta).toBeCloseTo(0.7, 1);
    tf.dispose([z, data]);
    truth.dispose();
    flow.dispose();
  });

  test('a flow with it saves and loads through the registry, trained values included', async () => {
    const flow = new Flow(
      new StandardNormal({ eventShape: [2] }),
      create('bijector', 'acme/sinh-arcsinh', { eventShape: [2], skewness: [0.2, -0.4] }),
    );
    (flow.bijector as SinhArcsinh).rawTailweight.assign(tf.tensor1d([0.3, -0.5]));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await saveFlow(
      flow,
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const { flow: loaded } = await loadFlow(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 0.3],
    ]);
    const [a, b] = [flow.logProb(x), loaded.logProb(x)];
    b.dataSync().forEach((v, i) => expect(v).toBeCloseTo(a.dataSync()[i] as number, 6));
    tf.dispose([x, a, b]);
    flow.dispose();
    loaded.dispose();
  });
});
