import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import '../index.js';
import { OptionError } from '../errors.js';
import { Flow } from '../flow.js';
import { loadFlowFromDirectory, saveFlowToDirectory } from '../io/node-files.js';
import { createByName } from '../registry.js';
import { SinhArcsinh } from './sinh-arcsinh.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const params = { loc: [0.3, -1], scale: [1.5, 0.4], skew: [0.8, -1.5], tailweight: [0.6, 2.5] };

/** x = ξ + s sinh((asinh z + ε)/δ) and its log-derivative in float64, column j. */
function host(z: number, j: number): { x: number; logDet: number } {
  const [loc, s, e, d] = [params.loc[j], params.scale[j], params.skew[j], params.tailweight[j]] as number[];
  const w = ((Math.asinh(z) as number) + (e as number)) / (d as number);
  return {
    x: (loc as number) + (s as number) * Math.sinh(w),
    logDet: Math.log(s as number) + Math.log(Math.cosh(w)) - Math.log(d as number) - 0.5 * Math.log1p(z * z),
  };
}

describe('SinhArcsinh', () => {
  const z = [-3.5, 0.2, -0.4, 1.1, 0, 4.2, 2.5, -0.05];

  test('forward values and log-dets match float64, and the inverse undoes them', () => {
    const b = new SinhArcsinh({ eventShape: [2], ...params });
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(z, [4, 2]));
      const expected = z.map((v, i) => host(v, i % 2));
      const xs = Array.from(value.dataSync());
      xs.forEach((x, i) => expect(x).toBeCloseTo(expected[i]?.x as number, 3));
      const rowLogDets = [0, 1, 2, 3].map(
        (r) => (expected[2 * r]?.logDet as number) + (expected[2 * r + 1]?.logDet as number),
      );
      Array.from(logDet.dataSync()).forEach((l, r) => expect(l).toBeCloseTo(rowLogDets[r] as number, 4));
      const back = b.inverseAndLogDet(value);
      Array.from(back.value.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(z[i] as number, 4));
      Array.from(back.logDet.dataSync()).forEach((l, r) =>
        expect(l).toBeCloseTo(-(rowLogDets[r] as number), 4),
      );
    });
    b.dispose();
  });

  test('log-det equals the log of the float64 central-difference derivative', () => {
    const b = new SinhArcsinh({ eventShape: [2], ...params });
    for (const [i, v] of z.entries()) {
      const j = i % 2;
      const h = 1e-5;
      const numeric = Math.log((host(v + h, j).x - host(v - h, j).x) / (2 * h));
      expect(host(v, j).logDet).toBeCloseTo(numeric, 6);
    }
    // The tensor log-det against float32 central differences of the tensor map.
    tf.tidy(() => {
      const x = tf.tensor2d([[0.7, -1.3]]);
      const h = 1e-2;
      const f = (t: tf.Tensor) => b.forward(t).dataSync();
      const plus0 = f(tf.add(x, tf.tensor2d([[h, 0]])));
      const minus0 = f(tf.sub(x, tf.tensor2d([[h, 0]])));
      const plus1 = f(tf.add(x, tf.tensor2d([[0, h]])));
      const minus1 = f(tf.sub(x, tf.tensor2d([[0, h]])));
      const numeric =
        Math.log(((plus0[0] as number) - (minus0[0] as number)) / (2 * h)) +
        Math.log(((plus1[1] as number) - (minus1[1] as number)) / (2 * h));
      expect(b.forwardAndLogDet(x).logDet.dataSync()[0]).toBeCloseTo(numeric, 2);
    });
    b.dispose();
  });

  test('the default is the identity, and assign sets fitted parameters', () => {
    const b = new SinhArcsinh({ eventShape: [2] });
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(z, [4, 2]));
      Array.from(value.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(z[i] as number, 5));
      Array.from(logDet.dataSync()).forEach((l) => expect(l).toBeCloseTo(0, 5));
    });
    b.assign(params);
    tf.tidy(() => {
      const x = b.forward(tf.tensor2d([[1.1, 0]])).dataSync();
      expect(x[0]).toBeCloseTo(host(1.1, 0).x, 3);
      expect(x[1]).toBeCloseTo(host(0, 1).x, 3);
    });
    expect(b.trainableVariables).toHaveLength(4);
    b.dispose();
  });

  test('extreme inputs stay finite both ways (bounded skew and tail weight)', () => {
    const b = new SinhArcsinh({ eventShape: [2], skew: [3.9, -3.9], tailweight: [7.9, 0.13] });
    tf.tidy(() => {
      const x = tf.tensor2d([
        [50, -50],
        [-50, 50],
      ]);
      const inv = b.inverseAndLogDet(x);
      expect(Array.from(inv.logDet.dataSync()).every(Number.isFinite)).toBe(true);
      const fwd = b.forwardAndLogDet(
        tf.tensor2d([
          [5, -5],
          [-5, 5],
        ]),
      );
      expect(Array.from(fwd.value.dataSync()).every(Number.isFinite)).toBe(true);
      expect(Array.from(fwd.logDet.dataSync()).every(Number.isFinite)).toBe(true);
    });
    b.dispose();
  });

  test('invalid options name the option', () => {
    expect(() => new SinhArcsinh({ eventShape: [2], skew: 5 })).toThrow(OptionError);
    expect(() => new SinhArcsinh({ eventShape: [2], skew: 5 })).toThrow("sinh-arcsinh: option 'skew'");
    expect(() => new SinhArcsinh({ eventShape: [2], tailweight: 0 })).toThrow("option 'tailweight'");
    expect(() => new SinhArcsinh({ eventShape: [2], scale: -1 })).toThrow("option 'scale'");
  });

  test('trained parameters round-trip through a model directory', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'bijective-sas-'));
    const flow = new Flow(
      createByName('distribution', 'standard-normal', { eventShape: [2] }),
      createByName('bijector', 'sinh-arcsinh', { eventShape: [2], skew: 0.2 }),
    );
    (flow.bijector as SinhArcsinh).assign(params);
    try {
      await saveFlowToDirectory(flow, scratch, {});
      const { flow: loaded } = await loadFlowFromDirectory(scratch);
      const x = tf.tensor2d([
        [0.4, -2],
        [3, 1],
      ]);
      expect(loaded.logProb(x).arraySync()).toEqual(flow.logProb(x).arraySync());
      x.dispose();
      loaded.dispose();
    } finally {
      flow.dispose();
      await rm(scratch, { recursive: true, force: true });
    }
  });

  test('no tensors leak in forward or inverse', () => {
    const b = new SinhArcsinh({ eventShape: [2], ...params });
    const x = tf.tensor2d([[0.1, 0.2]]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      for (const r of [b.forwardAndLogDet(x), b.inverseAndLogDet(x)]) {
        r.value.dispose();
        r.logDet.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    b.dispose();
  });
});
