import { hostRng, ShapeError } from '@bijective/core';
import { describe, expect, test } from 'vitest';
import { fitSinhArcsinhMarginals } from './marginals.js';

/** n rows of [a sinh-arcsinh draw x = ξ + s·sinh((asinh z + ε)/δ), a normal draw], standardised per column. */
function table(n: number, seed: number, [loc, s, e, d]: number[]): Float64Array {
  const rng = hostRng(seed);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] =
      (loc as number) + (s as number) * Math.sinh((Math.asinh(rng.normal()) + (e as number)) / (d as number));
    data[2 * i + 1] = rng.normal();
  }
  for (let j = 0; j < 2; j++) {
    let m = 0;
    let v = 0;
    for (let i = 0; i < n; i++) m += (data[2 * i + j] as number) / n;
    for (let i = 0; i < n; i++) v += ((data[2 * i + j] as number) - m) ** 2 / n;
    for (let i = 0; i < n; i++) data[2 * i + j] = ((data[2 * i + j] as number) - m) / Math.sqrt(v);
  }
  return data;
}

/** The Gaussian profile NLL per row of z = sinh(δ asinh((x − ξ)/s) − ε) of column j (lower is better). */
function profileNll(data: Float64Array, j: number, p: number[]): number {
  const [loc, s, e, d] = p as [number, number, number, number];
  const n = data.length / 2;
  const z: number[] = [];
  let logJacobian = 0;
  for (let i = 0; i < n; i++) {
    const u = ((data[2 * i + j] as number) - loc) / s;
    const v = d * Math.asinh(u) - e;
    z.push(Math.sinh(v));
    logJacobian += Math.log(Math.cosh(v)) + Math.log(d / s) - 0.5 * Math.log1p(u * u);
  }
  const m = z.reduce((a, b) => a + b, 0) / n;
  const variance = z.reduce((a, b) => a + (b - m) ** 2, 0) / n;
  return 0.5 * Math.log(variance) - logJacobian / n;
}

describe('fitSinhArcsinhMarginals', () => {
  test('a skewed heavy-tailed column is Gaussianised (the fit beats the identity and recovers the skew sign); a normal column keeps the identity', () => {
    const data = table(2000, 1, [0, 1, 1, 0.7]);
    const fit = fitSinhArcsinhMarginals({ data, rows: 2000, cols: 2 });
    const fitted = [fit.loc[0], fit.scale[0], fit.skew[0], fit.tailweight[0]] as number[];
    expect(profileNll(data, 0, fitted)).toBeLessThan(profileNll(data, 0, [0, 1, 0, 1]) - 0.05);
    // x is right-skewed: the inverse map z = sinh(δ asinh(u) − ε) needs ε > 0.
    expect(fit.skew[0]).toBeGreaterThan(0.2);
    // The normal column gains less than Schwarz's penalty: the identity.
    expect([fit.loc[1], fit.scale[1], fit.skew[1], fit.tailweight[1]]).toEqual([0, 1, 0, 1]);
  });

  test('a symmetric heavy-tailed column gets a tail weight below 1 and no skew', () => {
    const data = table(2000, 2, [0, 1, 0, 0.6]);
    const fit = fitSinhArcsinhMarginals({ data, rows: 2000, cols: 2 });
    expect(fit.tailweight[0]).toBeLessThan(0.9);
    expect(Math.abs(fit.skew[0] as number)).toBeLessThan(0.3);
  });

  test('the fit stays within its bounds on extreme columns', () => {
    const rng = hostRng(3);
    const n = 500;
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      data[2 * i] = Math.exp(3 * rng.normal()); // very heavy right tail
      data[2 * i + 1] = rng.uniform() < 0.5 ? -1 : 1; // two spikes
    }
    const fit = fitSinhArcsinhMarginals({ data, rows: n, cols: 2 });
    for (let j = 0; j < 2; j++) {
      expect(Math.abs(fit.skew[j] as number)).toBeLessThanOrEqual(2);
      expect(fit.tailweight[j]).toBeGreaterThanOrEqual(0.5);
      expect(fit.tailweight[j]).toBeLessThanOrEqual(1);
      expect(fit.scale[j]).toBeGreaterThanOrEqual(0.5);
      expect(fit.scale[j]).toBeLessThanOrEqual(4);
    }
  });

  test('a table of fewer than 2 rows or the wrong size is a ShapeError', () => {
    expect(() => fitSinhArcsinhMarginals({ data: new Float64Array(3), rows: 1, cols: 3 })).toThrow(
      ShapeError,
    );
    expect(() => fitSinhArcsinhMarginals({ data: new Float64Array(5), rows: 2, cols: 3 })).toThrow(
      ShapeError,
    );
  });
});
