import { describe, expect, it } from 'vitest';
import { ValueError } from '@bijective/core';
import { fitStandardisation, standardise, standardiseTable, unstandardise } from './standardise.js';

describe('standardisation', () => {
  const table = { data: Float32Array.from([1, 10, 3, 20, 5, 60]), rows: 3, cols: 2, columns: ['a', 'b'] };

  it('fits column means, population stds and the log-det -Σ log std', () => {
    const s = fitStandardisation(table);
    expect(s.mean).toEqual([3, 30]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.std[1]).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    expect(s.logDet).toBeCloseTo(-Math.log(s.std[0] as number) - Math.log(s.std[1] as number), 12);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('standardises to mean 0 / std 1 and inverts', () => {
    const s = fitStandardisation(table);
    const z = standardise(table.data, s);
    const again = fitStandardisation({ ...table, data: z });
    again.mean.forEach((m) => expect(m).toBeCloseTo(0, 6));
    again.std.forEach((sd) => expect(sd).toBeCloseTo(1, 6));
    const back = unstandardise(z, s);
    back.forEach((v, i) => expect(v).toBeCloseTo(table.data[i] as number, 4));
    expect(standardiseTable(table, s).columns).toEqual(['a', 'b']);
  });

  it('the log-det converts a density of standardised rows into one in data units', () => {
    // A N(0, 1) density on z = (x - m)/s is N(m, s²) on x: log N(x; m, s²) = log N(z; 0, 1) - log s.
    const s = { mean: [2], std: [3], logDet: -Math.log(3) };
    const x = 4.5;
    const z = standardise(Float32Array.from([x]), s)[0] as number;
    const logNormal = (v: number, m: number, sd: number): number =>
      -0.5 * ((v - m) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
    expect(logNormal(z, 0, 1) + s.logDet).toBeCloseTo(logNormal(x, 2, 3), 6);
  });

  it('rejects constant columns, non-finite values and empty tables, naming the column or row', () => {
    expect(() => fitStandardisation({ ...table, data: Float32Array.from([1, 5, 3, 5, 5, 5]) })).toThrow(
      /column 1 \('b'\) is constant/,
    );
    expect(() => fitStandardisation({ ...table, data: Float32Array.from([1, 5, 3, NaN, 5, 5]) })).toThrow(
      /row 1, column 1 \('b'\) holds NaN/,
    );
    expect(() => fitStandardisation({ data: new Float32Array(0), rows: 0, cols: 2 })).toThrow(ValueError);
  });
});
