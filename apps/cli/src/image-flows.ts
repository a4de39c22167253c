import { getEntry, isRegistered, type JsonObject } from '@bijective/core';
import type { Dataset, Standardisation } from '@bijective/datasets';
import { UsageError } from './usage-error.js';

/** Whether `flow` is a registered image flow (tagged `image`, e.g. `glow`): it models pixels in [0, 1]. */
export function isImageFlow(flow: string): boolean {
  return isRegistered('bijector', flow) && (getEntry('bijector', flow).tags ?? []).includes('image');
}

/**
 * The options an image flow gets from `train`: the dataset's image shape `[h, w, c]`, and the common
 * flags under the flow's names (`--layers` -> `stepsPerLevel`, `--hidden W` -> `hiddenChannels`).
 */
export function imageFlowOptions(flow: string, dataset: Dataset, options: JsonObject): JsonObject {
  const shape = dataset.eventShape;
  if (!dataset.levels || shape.length < 2 || shape.length > 3) {
    throw new UsageError(
      `--flow ${flow} models images; '${dataset.name}' is not image data (8-bit values of shape [h, w] or [h, w, c])`,
    );
  }
  const { layers, hidden, ...rest } = options;
  return {
    imageShape: shape.length === 2 ? [...shape, 1] : [...shape],
    ...(layers !== undefined ? { stepsPerLevel: layers } : {}),
    ...(Array.isArray(hidden) ? { hiddenChannels: hidden[0] ?? null } : {}),
    ...rest,
  };
}

/** The identity standardisation of `dims` columns: image flows take the dequantised pixels in [0, 1] as they are. */
export function identityStandardisation(dims: number): Standardisation {
  return { mean: new Array<number>(dims).fill(0), std: new Array<number>(dims).fill(1), logDet: 0 };
}
