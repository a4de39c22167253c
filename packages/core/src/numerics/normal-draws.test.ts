import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { StandardNormal } from '../distributions/standard-normal.js';
import { OptionError } from '../errors.js';
import { standardNormalValues } from './normal-draws.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Φ(x) from erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: far below the KS bound tested). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp((-x * x) / 2);
  return 0.5 * (1 + Math.sign(x) * erf);
}

describe('standardNormalValues', () => {
  const n = 200_000;
  const z = Array.from(standardNormalValues(n, 12345));

  test('moments match N(0, 1): mean, variance, skewness, excess kurtosis (float64, 5 standard errors)', () => {
    const mean = z.reduce((s, v) => s + v, 0) / n;
    const central = (k: number) => z.reduce((s, v) => s + (v - mean) ** k, 0) / n;
    const variance = central(2);
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(1 / n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(central(3) / variance ** 1.5)).toBeLessThan(5 * Math.sqrt(6 / n));
    expect(Math.abs(central(4) / variance ** 2 - 3)).toBeLessThan(5 * Math.sqrt(24 / n));
  });

  test('Kolmogorov-Smirnov distance to Φ below the 0.1 % critical value, for all draws and for the tails beyond 2.5σ alone', () => {
    const ks = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      let d = 0;
      sorted.forEach((v, i) => {
        const c = normalCdf(v);
        d = Math.max(d, (i + 1) / sorted.length - c, c - i / sorted.length);
      });
      return d * Math.sqrt(sorted.length);
    };
    expect(ks(z)).toBeLessThan(1.95);
    // The tails and the wedges (the slow paths, ~1 % of draws) by themselves: |z| beyond 2.5.
    const tail = z.filter((v) => Math.abs(v) > 2.5).map((v) => Math.abs(v));
    const tailCdf = (v: number) => (normalCdf(v) - normalCdf(2.5)) / (1 - normalCdf(2.5));
    const sorted = tail.sort((a, b) => a - b);
    let d = 0;
    sorted.forEach(
      (v, i) => (d = Math.max(d, (i + 1) / sorted.length - tailCdf(v), tailCdf(v) - i / sorted.length)),
    );
    expect(d * Math.sqrt(sorted.length)).toBeLessThan(1.95);
  });

  test('consecutive draws are uncorrelated, |z| too; the tails reach beyond 4σ', () => {
    const corr = (lag: number) => {
      let s = 0;
      for (let i = 0; i + lag < n; i += 2) s += (z[i] as number) * (z[i + lag] as number);
      return s / (n / 2);
    };
    // |z| against the next |z|: E|z| = √(2/π), Var|z| = 1 − 2/π.
    const m = Math.sqrt(2 / Math.PI);
    let c = 0;
    for (let i = 0; i + 1 < n; i++) c += (Math.abs(z[i] as number) - m) * (Math.abs(z[i + 1] as number) - m);
    expect(Math.abs(c / (n - 1) / (1 - 2 / Math.PI))).toBeLessThan(5 * Math.sqrt(1 / n));
    expect(Math.abs(corr(1))).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(corr(2))).toBeLessThan(5 * Math.sqrt(2 / n));
    const beyond = z.filter((v) => Math.abs(v) > 4).length; // expected 200000 · 6.3e-5 = 12.7
    expect(beyond).toBeGreaterThan(2);
    expect(beyond).toBeLessThan(35);
  });

  test('a seed gives the same draws on every call; another seed, or none, gives others', () => {
    expect(standardNormalValues(7, 3)).toEqual(standardNormalValues(7, 3));
    // A shorter stream is a prefix of the longer one.
    expect(Array.from(standardNormalValues(5, 3))).toEqual(
      Array.from(standardNormalValues(8, 3)).slice(0, 5),
    );
    for (const other of [4, -3, 3 + 2 ** 32])
      expect(standardNormalValues(8, other)).not.toEqual(standardNormalValues(8, 3));
    expect(standardNormalValues(8)).not.toEqual(standardNormalValues(8));
    expect(standardNormalValues(0, 1)).toHaveLength(0);
  });

  test('a non-integer seed or count is one clear error', () => {
    expect(() => standardNormalValues(4, 1.5)).toThrow(OptionError);
    expect(() => standardNormalValues(4, 1.5)).toThrow(/seed must be an integer/);
    expect(() => standardNormalValues(-1, 1)).toThrow(/count must be a non-negative integer/);
  });

  test('StandardNormal.sample draws from it: seeded calls repeat, shape [n, ...event], nothing left behind', () => {
    const base = new StandardNormal({ eventShape: [3, 2] });
    const before = tf.memory().numTensors;
    const a = base.sample(5, { seed: 9 });
    const b = base.sample(5, { seed: 9 });
    expect(a.shape).toEqual([5, 3, 2]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(standardNormalValues(30, 9)));
    expect(b.dataSync()).toEqual(a.dataSync());
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
