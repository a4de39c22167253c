import { describe, expect, it } from 'vitest';
import { ValueError } from '@bijective/core';
import { fitWhitening, whiten } from './whitening.js';

describe('whitening', () => {
  // Correlated columns of different scales.
  const rows = [
    [1, 10, 0.5],
    [2, 19, 0.1],
    [3, 33, 0.9],
    [4, 38, 0.3],
    [5, 52, 0.2],
    [6, 57, 0.8],
  ];
  const table = { data: Float32Array.from(rows.flat()), rows: rows.length, cols: 3 };

  it('fits the mean and a lower-triangular L with L Lᵀ the population covariance', () => {
    const w = fitWhitening(table);
    const n = rows.length;
    const mean = [0, 1, 2].map((j) => rows.reduce((s, r) => s + (r[j] as number), 0) / n);
    w.mean.forEach((m, j) => expect(m).toBeCloseTo(mean[j] as number, 5));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const cov =
          rows.reduce(
            (s, r) => s + ((r[i] as number) - (mean[i] as number)) * ((r[j] as number) - (mean[j] as number)),
            0,
          ) / n;
        let llt = 0;
        for (let k = 0; k < 3; k++)
          llt += (w.cholesky[i * 3 + k] as number) * (w.cholesky[j * 3 + k] as number);
        expect(llt).toBeCloseTo(cov, 4);
        if (j > i) expect(w.cholesky[i * 3 + j]).toBe(0);
      }
    }
    const diag = [0, 4, 8].map((k) => w.cholesky[k] as number);
    expect(w.logDet).toBeCloseTo(-diag.reduce((s, v) => s + Math.log(v), 0), 10);
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
  });

  it('whitened rows have mean 0 and identity covariance', () => {
    const w = fitWhitening(table);
    const z = whiten(table.data, w);
    const n = rows.length;
    for (let i = 0; i < 3; i++) {
      let m = 0;
      for (let r = 0; r < n; r++) m += (z[r * 3 + i] as number) / n;
      expect(m).toBeCloseTo(0, 5);
      for (let j = 0; j < 3; j++) {
        let c = 0;
        for (let r = 0; r < n; r++) c += ((z[r * 3 + i] as number) * (z[r * 3 + j] as number)) / n;
        expect(c).toBeCloseTo(i === j ? 1 : 0, 4);
      }
    }
  });

  it('refuses collinear columns and fewer rows than columns', () => {
    const collinear = {
      data: Float32Array.from([1, 2, 2, 4, 3, 6, 5, 10]),
      rows: 4,
      cols: 2,
      columns: ['a', 'b'],
    };
    expect(() => fitWhitening(collinear)).toThrow(/column 1 \('b'\).*singular/);
    expect(() => fitWhitening({ data: Float32Array.from([1, 2, 3, 4, 5, 7]), rows: 2, cols: 3 })).toThrow(
      ValueError,
    );
  });
});
