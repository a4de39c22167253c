import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import '../index.js';
import { Flow } from '../flow.js';
import { createBijector, createByName } from '../registry.js';
import { loadFlow } from '../io/load-flow.js';
import { saveFlow } from '../io/save-flow.js';
import { FlowMixture, flowMixture } from './flow-mixture.js';
import { StandardNormal } from './standard-normal.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** x = z + shift, z ~ N(0, 1): the normal N(shift, 1) as a flow. */
const shifted = (shift: number, trainable = true) =>
  new Flow(
    new StandardNormal({ eventShape: [1] }),
    createBijector({ name: 'shift', options: { eventShape: [1], shift, trainable } }),
  );
const normal = (x: number, mean: number) => -0.5 * (x - mean) ** 2 - 0.5 * LOG_2PI;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('FlowMixture', () => {
  test('log p(x) = log Σ w_k p_k(x), with the weights normalised', () => {
    const a = shifted(-2);
    const b = shifted(3);
    const mixture = flowMixture([a, b], [1, 3]);
    const xs = [-2, 0, 3, 10];
    const lp = mixture.logProb(tf.tensor2d(xs, [4, 1])).arraySync() as number[];
    xs.forEach((x, i) => {
      const expected = Math.log(0.25 * Math.exp(normal(x, -2)) + 0.75 * Math.exp(normal(x, 3)));
      expect(lp[i]).toBeCloseTo(expected, 4);
    });
    expect((mixture.base as FlowMixture).weights).toEqual([0.25, 0.75]);
    for (const f of [a, b, mixture]) f.dispose();
  });

  test('copies the trained values: the mixture of a moved flow has the moved density', () => {
    const a = shifted(0);
    (a.bijector.variables[0] as tf.Variable).assign(tf.tensor1d([5]));
    const mixture = flowMixture([a]);
    expect((mixture.logProb(tf.tensor2d([[5]])).arraySync() as number[])[0]).toBeCloseTo(normal(5, 5), 5);
    a.dispose();
    // The mixture owns its copies: still usable after the source is freed.
    expect((mixture.logProb(tf.tensor2d([[5]])).arraySync() as number[])[0]).toBeCloseTo(normal(5, 5), 5);
    mixture.dispose();
  });

  test('samples each component in proportion to its weight, reproducibly, without leaking', () => {
    const a = shifted(-10);
    const b = shifted(10);
    const mixture = flowMixture([a, b], [0.3, 0.7]);
    a.dispose();
    b.dispose();
    const before = tf.memory().numTensors;
    const draw = () => mixture.sample(4000, { seed: 7 });
    const s = draw();
    const values = s.dataSync() as Float32Array;
    const right = values.filter((v) => v > 0).length / values.length;
    expect(right).toBeGreaterThan(0.67);
    expect(right).toBeLessThan(0.73);
    const again = draw();
    expect(again.arraySync()).toEqual(s.arraySync());
    // Rows are interleaved, not grouped by component.
    expect(values.slice(0, 40).some((v) => v < 0) && values.slice(0, 40).some((v) => v > 0)).toBe(true);
    s.dispose();
    again.dispose();
    const { value, logProb } = mixture.sampleAndLogProb(5, { seed: 1 });
    const direct = mixture.logProb(value);
    const want = direct.dataSync();
    logProb.dataSync().forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 5));
    for (const t of [value, logProb, direct]) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    mixture.dispose();
  });

  test('saves and loads through the model-file format with the same density', async () => {
    const a = shifted(-1);
    const b = new Flow(
      createByName('distribution', 'diagonal-normal', { eventShape: [1] }),
      createBijector({ name: 'sinh-arcsinh', options: { eventShape: [1], skew: 0.5 } }),
    );
    const mixture = flowMixture([a, b], [0.6, 0.4]);
    let saved: tf.io.ModelArtifacts | undefined;
    await saveFlow(
      mixture,
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    const { flow: loaded } = await loadFlow(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const x = tf.tensor2d([[-3], [0], [0.5], [4]]);
    const want = mixture.logProb(x).dataSync();
    const got = loaded.logProb(x).dataSync();
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    expect(loaded.base.name).toBe('flow-mixture');
    for (const f of [a, b, mixture, loaded]) f.dispose();
  });

  test('refuses bad options with one clear error, leaving no tensor behind', () => {
    const config = shifted(0);
    const flows = [config.getConfig()];
    config.dispose();
    const before = tf.memory().numTensors;
    const make = (o: object) => () => new FlowMixture({ eventShape: [1], flows, ...o } as never);
    expect(make({ flows: [] })).toThrow(/flows must list 1 to 64/);
    expect(make({ weights: [1, 2] })).toThrow(/one number per flow/);
    expect(make({ weights: [-1] })).toThrow(/weights\[0\] must be a finite number ≥ 0/);
    expect(make({ weights: [0] })).toThrow(/positive finite sum/);
    expect(make({ flows: [{ base: 3 }] })).toThrow(/flows\[0\] must be/);
    expect(make({ eventShape: [2] })).toThrow(/flows\[0\] has events of shape \[1\], expected \[2\]/);
    expect(make({ flows: [...flows, { ...flows[0], base: { name: 'nope', options: {} } }] })).toThrow(/nope/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
