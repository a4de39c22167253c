import {
  Affine,
  Chain,
  Flow,
  createByName,
  isRegistered,
  listRegistered,
  type JsonObject,
} from '@bijective/core';
import type { Standardisation } from '@bijective/datasets';
import { UsageError } from './usage-error.js';

/** Flow options the CLI passes through from its flags (`--layers`, `--hidden`, `--bins`, ...). */
export type FlowFlagOptions = JsonObject;

/**
 * Builds `--flow` for d-dimensional data in the data's own units: the registered flow maps base to
 * standardised space, then a fixed affine map x = std ⊙ z + mean (from the training rows) maps to
 * data space, so logProb already includes the standardisation's log-det and samples come out in data units.
 */
export function buildFlow(
  name: string,
  dims: number,
  standardisation: Standardisation,
  options: FlowFlagOptions,
  contextDims?: number,
  base = 'standard-normal',
): Flow {
  if (!isRegistered('distribution', base)) {
    const known = listRegistered('distribution').map((l) => l.name);
    throw new UsageError(`unknown base distribution '${base}'; known: ${known.join(', ')}`);
  }
  if (!isRegistered('bijector', name) || !listRegistered('bijector', 'flow').some((l) => l.name === name)) {
    const known = listRegistered('bijector', 'flow').map((l) => l.name);
    throw new UsageError(`unknown flow '${name}'; known: ${known.join(', ')}`);
  }
  const core = createByName('bijector', name, {
    eventShape: [dims],
    ...options,
    ...(contextDims ? { contextShape: [contextDims] } : {}),
  });
  const toData = new Affine({
    eventShape: [dims],
    shift: [...standardisation.mean],
    scale: [...standardisation.std],
    minScale: Math.min(...standardisation.std) * 1e-3,
    trainable: false,
  });
  return new Flow(createByName('distribution', base, { eventShape: [dims] }), new Chain([core, toData]));
}
