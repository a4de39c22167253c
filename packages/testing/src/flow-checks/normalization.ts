import { hostRng } from '@bijective/core';
import { fmt } from '../compare.js';
import { CheckFailure } from '../failure.js';
import { densityOf, drawSamples, logProbAt, type FlowSubject } from '../flow-subject.js';
import { meanAndStandardError } from '../statistics.js';
import type { FlowCheck } from './check.js';
import { GRID_CELLS, gridDensity } from './grid-density.js';

/** Samples that fit the importance proposal. */
const FIT_SAMPLES = 1000;
/** Proposal draws of the importance-sampling estimate. */
const PROPOSALS = 4000;
/** Widening of the proposal's scale beyond the flow's, so that its tails cover the flow's. */
const PROPOSAL_WIDENING = 1.5;

/**
 * ∫ p by importance sampling with a diagonal Gaussian proposal q fitted to the flow's samples and
 * widened 1.5x: Ẑ = mean(p(x)/q(x)) over x ~ q, with its standard error.
 */
function importanceEstimate(s: FlowSubject): { mean: number; standardError: number } {
  const d = s.size;
  const samples = drawSamples(s, FIT_SAMPLES, s.seed);
  const moments = Array.from({ length: d }, (_, j) => {
    const column = Array.from({ length: FIT_SAMPLES }, (_, k) => samples[k * d + j]!);
    const { mean, standardError } = meanAndStandardError(column);
    return { mean, scale: PROPOSAL_WIDENING * Math.max(standardError * Math.sqrt(FIT_SAMPLES), 1e-3) };
  });
  const rng = hostRng(s.seed ^ 0x1b873593);
  const points = new Float32Array(PROPOSALS * d);
  const logQ = new Float64Array(PROPOSALS);
  for (let k = 0; k < PROPOSALS; k++) {
    for (let j = 0; j < d; j++) {
      const { mean, scale } = moments[j]!;
      const x = Math.fround(mean + scale * rng.normal());
      points[k * d + j] = x;
      logQ[k] = logQ[k]! - 0.5 * ((x - mean) / scale) ** 2 - Math.log(scale) - 0.5 * Math.log(2 * Math.PI);
    }
  }
  const logP = logProbAt(s, points);
  return meanAndStandardError(Array.from(logP, (lp, k) => densityOf(lp - logQ[k]!)));
}

/**
 * (h, normalization) exp(log p) integrates to 1. In 1-2 D by the midpoint rule on a 512-cell (1-D)
 * or 128x128 (2-D) grid over the samples' box widened by a quarter of its extent on each side,
 * within the tolerance plus the rule's own error estimate |Z_h − Z_2h| (from a grid of half the
 * cells): small for smooth densities, larger where a peak is narrow or a bounded support cuts the
 * density off steeply. Above 2 D by importance sampling. NaN or −∞ log-densities (outside the
 * support) count as zero density.
 */
export const normalizationCheck: FlowCheck<'normalization'> = {
  name: 'normalization',
  claim: 'exp(logProb) integrates to 1 (grid quadrature in 1-2 D, importance sampling above)',
  run(s: FlowSubject) {
    if (s.size <= 2) {
      const { mass, samples } = gridDensity(s);
      const coarse = gridDensity(s, samples, GRID_CELLS[s.size - 1]! / 2).mass;
      const allowed = s.tolerances.quadrature + Math.abs(mass - coarse);
      if (!(Math.abs(mass - 1) <= allowed)) {
        throw new CheckFailure(
          `∫ exp(logProb) by grid quadrature is ${fmt(mass)} (${fmt(coarse)} on a grid of half the cells), ` +
            `expected 1 ± ${fmt(allowed)}`,
        );
      }
      return;
    }
    const { mean, standardError } = importanceEstimate(s);
    const { sigmas, abs } = s.tolerances.importance;
    if (!(Math.abs(mean - 1) <= sigmas * standardError + abs)) {
      throw new CheckFailure(
        `∫ exp(logProb) by importance sampling is ${fmt(mean)} ± ${fmt(standardError)} (SE), ` +
          `expected 1 within ${sigmas} SE + ${abs}`,
      );
    }
  },
};
