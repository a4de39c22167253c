import { optionRecord } from '@bijective/core';
import { DensityTarget } from './density-target.js';
import { negativeEnergy, type EnergyName } from './energies.js';
import { logIntegral } from './quadrature.js';

/** Options of `u1`..`u4`: none. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EnergyOptions {}

/** The box log Z is integrated over: it holds the mass of all four energies (the wall confines |z1| < 7). */
export const ENERGY_QUADRATURE_BOX: readonly (readonly [number, number])[] = [
  [-8, 8],
  [-8, 8],
];
/** Midpoint cells per axis (width 0.04): log Z agrees with 4x finer grids to ~1e-8. */
export const ENERGY_QUADRATURE_CELLS = 400;

const logNormalizers = new Map<EnergyName, number>();

/** log Z = log ∫ exp(−U(z)) dz of an energy by midpoint quadrature (computed once per process). */
export function energyLogNormalizer(name: EnergyName): number {
  let value = logNormalizers.get(name);
  if (value === undefined) {
    value = logIntegral((z) => negativeEnergy(name, z), ENERGY_QUADRATURE_BOX, ENERGY_QUADRATURE_CELLS);
    logNormalizers.set(name, value);
  }
  return value;
}

/**
 * The target exp(−U(z)) of one of the energies U1–U4 of Rezende & Mohamed (2015, Table 1) (see
 * {@link negativeEnergy}; U2–U4 with the soft wall ½(z1/4)⁸), with log Z by quadrature.
 *
 * @example
 * ```ts
 * import { useBackend } from '@bijective/core';
 * import { energyTarget } from '@bijective/planar';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const u3 = energyTarget('u3'); // or create('target', 'u3', {})
 * console.log(u3.logNormalizer); // 2.66833, by quadrature on first use
 * ```
 */
export function energyTarget(name: EnergyName, options: EnergyOptions = {}): DensityTarget {
  optionRecord(name, options, []);
  return new DensityTarget({
    name,
    eventShape: [2],
    options: {},
    logDensity: (z) => negativeEnergy(name, z),
    logNormalizer: () => energyLogNormalizer(name),
    bounds: [
      [-4, 4],
      [-4, 4],
    ],
  });
}
