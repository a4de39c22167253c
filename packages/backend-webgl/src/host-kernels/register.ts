/**
 * Registers the shader versions of the host kernels of a RealNVP, NICE, MAF or NSF training step with
 * the engine for tfjs's `webgl` backend ({@link registerHostKernelBackend}), by kernel name: the engine's
 * read-back path (a GPU sync per call) stays as the fallback for anything they do not cover.
 * @module
 */
import { registerHostKernelBackend, type HostKernelBackendImplementation } from '@bijective/engine';
import { activationBackward } from './activation.js';
import { adam } from './adam.js';
import { clipByGlobalNorm } from './clip.js';
import { packLogDet, unpackLogDet } from './log-det.js';
import { concatParameters, splitParameters } from './parameters.js';
import { splineApply, splineGrad } from './spline.js';
import { additiveApply, additiveGrad, affineApply, affineGrad } from './transforms.js';

/** The shader versions by kernel name. */
export const WEBGL_HOST_KERNELS: Readonly<Record<string, HostKernelBackendImplementation>> = {
  'Bijective.Affine': affineApply,
  'Bijective.AffineGrad': affineGrad,
  'Bijective.Additive': additiveApply,
  'Bijective.AdditiveGrad': additiveGrad,
  'Bijective.ActivationBackward': activationBackward,
  'Bijective.SplitParameters': splitParameters,
  'Bijective.ConcatParameters': concatParameters,
  'Bijective.PackLogDet': packLogDet,
  'Bijective.UnpackLogDet': unpackLogDet,
  'Bijective.Adam': adam,
  'Bijective.ClipByGlobalNorm': clipByGlobalNorm,
  'Bijective.Spline.Apply': splineApply,
  'Bijective.Spline.Grad': splineGrad,
};

/** Registers every shader version for `webgl` (idempotent). */
export function registerWebglHostKernels(): void {
  for (const [name, implementation] of Object.entries(WEBGL_HOST_KERNELS))
    registerHostKernelBackend(name, 'webgl', implementation);
}
