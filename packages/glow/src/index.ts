/**
 * Glow and image flows (Kingma & Dhariwal 2018; Dinh et al. 2016) on NHWC images: actnorm,
 * invertible 1x1 convolutions, convolutional affine couplings, squeeze and multi-scale splits with
 * learned priors, the logit pre-transform, and the `glow` flow, registered on import.
 * @module @bijective/glow
 */
import { registerGlow } from './register.js';

export * from './pure.js';

registerGlow();
