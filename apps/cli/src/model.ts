import { Affine, Chain, Flow, StandardNormal, createByName, isRegistered, listRegistered } from '@bijective/core';
import type { Standardisation } from '@bijective/datasets';
import { UsageError } from './usage-error.js';

/** Flow options the CLI passes through from its flags (`--layers`, `--hidden`, `--bins`, ...). */
export type FlowFlagOptions = Record<string, number | number[] | string>;

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
): Flow {
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
  return new Flow(new StandardNormal({ eventShape: [dims] }), new Chain([core, toData]));
}
