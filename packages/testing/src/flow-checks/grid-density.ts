import { fmt } from '../compare.js';
import { boxAround, midpointGrid, type Grid } from '../density-grid.js';
import { CheckFailure } from '../failure.js';
import { densityOf, drawSamples, logProbAt, type FlowSubject } from '../flow-subject.js';

/** Samples drawn per case for the box and the goodness-of-fit test. */
export const GRID_SAMPLES = 2000;
/**
 * Widening of the samples' box on each side, as a fraction of its extent. The mass beyond it is
 * negligible for light tails (±5σ for a Gaussian). 0.25 puts no grid or bin edge on the extreme
 * samples (0.5 would, leaving them on the edge of a bin outside a bounded support).
 */
const MARGIN = 0.25;
/** Cells per axis by event size: 512 in 1-D, 128 in 2-D (16384 log-densities in one call). */
export const GRID_CELLS = [512, 128] as const;

/** The flow's density on a grid over its samples' box: the cell masses p·ΔV and their sum. */
export interface GridDensity {
  /** The grid. */
  grid: Grid;
  /** The flow's samples the box was drawn around (flattened). */
  samples: Float32Array;
  /** p(midpoint)·ΔV per cell. */
  cellMass: number[];
  /** Σ cellMass: the midpoint-rule estimate of ∫ p. */
  mass: number;
}

/**
 * Evaluates the flow's density on the midpoint grid around `samples` (default: {@link GRID_SAMPLES}
 * of its own, seeded), 1-2 D events, with `cells` cells per axis (default {@link GRID_CELLS}).
 */
export function gridDensity(
  s: FlowSubject,
  samples: Float32Array = drawSamples(s, GRID_SAMPLES, s.seed),
  cells: number = GRID_CELLS[s.size - 1]!,
): GridDensity {
  const { lo, hi } = boxAround(samples, s.size, MARGIN);
  const grid = midpointGrid(lo, hi, cells);
  const logProb = logProbAt(s, grid.points);
  const infinite = logProb.findIndex((v) => v === Infinity);
  if (infinite >= 0) {
    const at = Array.from(grid.points.subarray(infinite * s.size, (infinite + 1) * s.size), fmt).join(', ');
    throw new CheckFailure(`logProb is +Infinity at [${at}]`);
  }
  const cellMass = Array.from(logProb, (v) => densityOf(v) * grid.cellVolume);
  return { grid, samples, cellMass, mass: cellMass.reduce((a, b) => a + b, 0) };
}
