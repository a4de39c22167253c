import { hostRng } from '@bijective/core';
import { interpolateQuantile } from './quantiles.js';

/** In-distribution log-densities summarised by their mean and quantile function (what `train` saves). */
export interface ReferenceDensity {
  /** Probability levels, increasing from 0 to 1. */
  levels: readonly number[];
  /** Log-density quantiles at those levels. */
  quantiles: readonly number[];
}

/** The outcome of {@link typicalityTest}. */
export interface TypicalityResult {
  /** ε̂ = |mean log-density of the batch − mean log-density of the reference|, nats. */
  statistic: number;
  /** Bootstrap p-value: the share of in-distribution batches of the same size at least as far from the mean. */
  p: number;
  /** Bootstrap batches drawn. */
  bootstraps: number;
}

/**
 * The typicality test of Nalisnick et al. (2019, "Detecting out-of-distribution inputs to deep
 * generative models using typicality"): a batch of M rows is in distribution when its mean
 * log-density lies close to the model's entropy estimate, ε̂ = |(1/M) Σ log p(xₘ) − Ĥ_ref|. The
 * null distribution of ε̂ for batches of size M is bootstrapped from the reference log-densities
 * (drawn by inverse transform from their saved quantile function); the p-value is
 * (1 + #{ε_k ≥ ε̂}) / (K + 1), with K = 1000 bootstrap batches (fewer, down to 200, for batches
 * of more than 20000 rows, to bound the work at 2·10⁷ draws).
 */
export function typicalityTest(
  batch: ArrayLike<number>,
  reference: ReferenceDensity,
  seed: number,
): TypicalityResult {
  const m = batch.length;
  const bootstraps = Math.max(200, Math.min(1000, Math.floor(2e7 / Math.max(1, m))));
  let sum = 0;
  for (let i = 0; i < m; i++) sum += batch[i] as number;
  // The reference mean is that of the quantile function, the mean of the bootstrap's own draws.
  const centre = quantileMean(reference);
  const statistic = Math.abs(sum / m - centre);
  const rng = hostRng(seed ^ 0x7f4a7c15);
  const draw = (): number => interpolateQuantile(reference.levels, reference.quantiles, rng.uniform());
  let atLeast = 0;
  for (let k = 0; k < bootstraps; k++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += draw();
    if (Math.abs(s / m - centre) >= statistic) atLeast += 1;
  }
  return { statistic, p: (1 + atLeast) / (bootstraps + 1), bootstraps };
}

/** ∫₀¹ Q(u) du of the piecewise-linear quantile function (the mean of its inverse-transform draws). */
function quantileMean({ levels, quantiles }: ReferenceDensity): number {
  let integral = 0;
  for (let i = 1; i < levels.length; i++) {
    integral +=
      (((levels[i] as number) - (levels[i - 1] as number)) *
        ((quantiles[i] as number) + (quantiles[i - 1] as number))) /
      2;
  }
  return integral;
}
