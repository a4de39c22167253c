// Small host-side helpers shared by the table benchmarks (tabular-quality, anomaly).
import { readFileSync } from 'node:fs';

/** The numeric rows of a CSV file with a header line. */
export function readCsv(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
}

/** Per-row NLLs (nats) of the maximum-likelihood full-covariance Gaussian of `fit`, in float64. */
export function gaussianRowNlls(fit: number[][], rows: number[][]): number[] {
  const d = (fit[0] as number[]).length;
  const mean = Array.from(
    { length: d },
    (_, j) => fit.reduce((s, r) => s + (r[j] as number), 0) / fit.length,
  );
  const cov = Array.from({ length: d }, (_, i) =>
    Array.from(
      { length: d },
      (_, j) =>
        fit.reduce((s, r) => s + ((r[i] as number) - mean[i]!) * ((r[j] as number) - mean[j]!), 0) /
        fit.length,
    ),
  );
  // Cholesky Σ = L Lᵀ; log det Σ = 2 Σ log L_ii; Mahalanobis by forward substitution.
  const L = cov.map((row) => row.map(() => 0));
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = cov[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = i === j ? Math.sqrt(s) : s / L[j]![j]!;
    }
  const logDet = 2 * L.reduce((s, row, i) => s + Math.log(row[i]!), 0);
  const maha = rows.map((r) => {
    const z: number[] = [];
    for (let i = 0; i < d; i++) {
      let s = (r[i] as number) - mean[i]!;
      for (let k = 0; k < i; k++) s -= L[i]![k]! * z[k]!;
      z.push(s / L[i]![i]!);
    }
    return z.reduce((s, v) => s + v * v, 0);
  });
  return maha.map((m) => 0.5 * (d * Math.log(2 * Math.PI) + logDet + m));
}
