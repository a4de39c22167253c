import { beforeAll, describe, expect, test } from 'vitest';
import '@bijective/backend-cpu';
import '@bijective/spline';
import type { Chain } from '@bijective/core';
import { Affine, SinhArcsinh, TriangularAffine, hostRng, useBackend, type Flow } from '@bijective/core';
import { fitStandardisation } from '@bijective/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { buildFlow } from './model.js';

/** n rows of 3 columns far from normal: log-normal, a shifted exponential mixture and a skewed sum. */
function skewedRows(n: number, seed: number): number[][] {
  const rng = hostRng(seed);
  return Array.from({ length: n }, () => {
    const shared = rng.normal();
    const a = Math.exp(0.9 * shared + 0.6 * rng.normal());
    const b = rng.uniform() < 0.3 ? 5 - Math.log(rng.uniform()) : -Math.log(rng.uniform());
    const c = -Math.exp(1.2 * rng.normal() - 0.5 * shared) + 0.2 * a;
    return [a, b, c];
  });
}

/** The flow's inputs (the data side's inverse) of `rows`, row-major. */
function flowInputs(flow: Flow, rows: tf.Tensor2D): Float32Array {
  const chain = flow.bijector as Chain;
  const dataSide = chain.bijectors.slice(2);
  return tf.tidy(
    () => dataSide.reduceRight<tf.Tensor>((x, b) => b.inverse(x), rows).dataSync() as Float32Array,
  );
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('buildFlow with the marginal layer', () => {
  const rows = skewedRows(1500, 3);
  const build = (restandardise: boolean, x: tf.Tensor2D) =>
    buildFlow(
      'nsf',
      3,
      fitStandardisation({ data: x.dataSync() as Float32Array, rows: x.shape[0], cols: 3 }),
      { seed: 1 },
      undefined,
      'standard-normal',
      { rows: x, restandardise },
      'sinh-arcsinh',
    );

  test('restandardise puts the flow on standardised inputs without changing the initial density', () => {
    const x = tf.tensor2d(rows);
    const plain = build(false, x);
    const restandardised = build(true, x);
    try {
      const kinds = (f: Flow) => (f.bijector as Chain).bijectors.map((b) => b.constructor);
      expect(kinds(plain)).toEqual([TriangularAffine, expect.anything(), SinhArcsinh, Affine]);
      expect(kinds(restandardised)).toEqual([
        TriangularAffine,
        expect.anything(),
        Affine,
        SinhArcsinh,
        Affine,
      ]);
      // Without it, the marginal fit leaves the columns' means and scales free.
      const before = fitStandardisation({ data: flowInputs(plain, x), rows: rows.length, cols: 3 });
      const off = before.mean.map((m, j) => Math.abs(m) + Math.abs(Math.log(before.std[j] as number)));
      expect(Math.max(...off)).toBeGreaterThan(0.2);
      const after = fitStandardisation({ data: flowInputs(restandardised, x), rows: rows.length, cols: 3 });
      for (const m of after.mean) expect(Math.abs(m)).toBeLessThan(1e-4);
      for (const s of after.std) expect(s).toBeCloseTo(1, 4);
      // The whitening absorbs the fixed map: both models start at the same Gaussian copula.
      const a = tf.tidy(() => plain.logProb(x).dataSync());
      const b = tf.tidy(() => restandardised.logProb(x).dataSync());
      let worst = 0;
      for (let i = 0; i < a.length; i++)
        worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
      expect(worst).toBeLessThan(2e-3);
    } finally {
      x.dispose();
      plain.dispose();
      restandardised.dispose();
    }
  });
});
