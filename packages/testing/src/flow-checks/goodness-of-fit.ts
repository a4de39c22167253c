import { fmt } from '../compare.js';
import { cellOf, coarsen } from '../density-grid.js';
import { CheckFailure } from '../failure.js';
import type { FlowSubject } from '../flow-subject.js';
import { chiSquare } from '../statistics.js';
import type { FlowCheck } from './check.js';
import { GRID_SAMPLES, gridDensity } from './grid-density.js';

/** Fine grid cells merged per coarse bin and axis: 32 bins in 1-D, 8x8 in 2-D. */
const BLOCK = 16;

/**
 * (h, goodness of fit) In 1-2 D the flow's samples follow its density: Pearson's chi-square of
 * sample counts in 32 (1-D) or 8x8 (2-D) bins against the normalised grid masses of those bins,
 * accepted while the Wilson-Hilferty z-score stays below the tolerance (4.75: p ≈ 1e-6).
 * Above 2 D the check has nothing to test (normalization and sample-log-prob still apply).
 */
export const goodnessOfFitCheck: FlowCheck<'goodness-of-fit'> = {
  name: 'goodness-of-fit',
  claim: 'in 1-2 D, samples follow exp(logProb) (chi-square on a grid of bins)',
  run(s: FlowSubject) {
    if (s.size > 2) return;
    const { grid, samples, cellMass, mass } = gridDensity(s);
    if (!(mass > 0))
      throw new CheckFailure(`the density has no mass on the samples' box (∫ p = ${fmt(mass)})`);
    const counts = new Array<number>(grid.cells ** s.size).fill(0);
    for (let k = 0; k < GRID_SAMPLES; k++) counts[cellOf(grid, samples, k * s.size)]!++;
    const observed = coarsen(grid, counts, BLOCK);
    const expected = coarsen(grid, cellMass, BLOCK).map((m) => (m / mass) * GRID_SAMPLES);
    const { statistic, dof, z } = chiSquare(observed, expected);
    if (!(z <= s.tolerances.chiSquareZ)) {
      throw new CheckFailure(
        `chi-square of ${GRID_SAMPLES} samples vs the density is ${fmt(statistic)} on ${dof} degrees of freedom ` +
          `(z = ${fmt(z)} > ${s.tolerances.chiSquareZ})`,
      );
    }
  },
};
