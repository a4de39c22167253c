import { option } from '@bijective/core';
import { DEFAULT_SCALE_BOUND } from '../fused/affine-transform.js';
import { DEFAULT_HIDDEN } from './defaults.js';

/**
 * The option fields that every conditioner-driven layer or flow declares (couplings, MADE layers,
 * splines), each once: `hidden` (default {@link DEFAULT_HIDDEN}), `activation` (default `relu`),
 * `contextShape` (default none), `identityInit` (default true), `seed` (drawn when absent) and the
 * affine maps' `scaleBound` (default {@link DEFAULT_SCALE_BOUND}). A family's `defineOptions`
 * declarations pick the ones they take, in their config order.
 */
export const CONDITIONER_OPTIONS = {
  hidden: option.hiddenSizes({ default: DEFAULT_HIDDEN }),
  activation: option.activation(),
  contextShape: option.contextShape(),
  identityInit: option.boolean({ default: true }),
  seed: option.seed(),
  scaleBound: option.number({ default: DEFAULT_SCALE_BOUND, above: 0 }),
};
