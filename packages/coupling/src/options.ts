import { option } from '@bijective/core';
import { CONDITIONER_OPTIONS, MASK_KINDS, MIXINGS, partitionsOption } from '@bijective/engine';

/**
 * The option fields of the coupling layers and flows, each declared once; every `defineOptions`
 * declaration of the package picks the ones it takes, in its config order.
 * @internal
 */
export const COUPLING_OPTIONS = {
  ...CONDITIONER_OPTIONS,
  /** `[d]` with d >= 2 (a coupling splits the event into two non-empty parts). */
  eventShape: option.vectorShape({
    min: 2,
    why: "coupling layers split the event into two non-empty parts (use an elementwise bijector such as 'affine' for 1-D data)",
  }),
  mask: option.oneOf(MASK_KINDS, { default: 'halves' }),
  parity: option.oneOf([0, 1], { default: 0 }),
  transform: option.oneOf(['affine', 'additive']),
  partitions: partitionsOption(),
  mixing: option.oneOf(MIXINGS, { default: 'reverse' }),
  batchNorm: option.boolean({ default: false }),
};
