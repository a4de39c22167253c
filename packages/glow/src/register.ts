import { register } from '@bijective/core';
import { ActNorm, type ActNormOptions } from './actnorm.js';
import { GlowCoupling, type GlowCouplingOptions } from './affine-coupling.js';
import { ChannelPermutation, type ChannelPermutationOptions } from './channel-permutation.js';
import { Glow, type GlowOptions } from './glow.js';
import { InvertibleConv1x1, type InvertibleConv1x1Options } from './invertible-conv.js';
import { LogitTransform, type LogitTransformOptions } from './logit.js';
import { MaskedCoupling, type MaskedCouplingOptions } from './masked-coupling.js';
import { SplitPrior, type SplitPriorOptions } from './split-prior.js';
import { Squeeze, type SqueezeOptions } from './squeeze.js';

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    glow: GlowOptions;
    actnorm: ActNormOptions;
    'invertible-conv-1x1': InvertibleConv1x1Options;
    'channel-permutation': ChannelPermutationOptions;
    'glow-coupling': GlowCouplingOptions;
    'masked-coupling': MaskedCouplingOptions;
    'split-prior': SplitPriorOptions;
    squeeze: SqueezeOptions;
    'logit-transform': LogitTransformOptions;
  }
}

// `replace: true`: a module graph evaluated twice in one process re-registers the same factories.
const again = { replace: true };

/** A small image `[2, 2, c]` for the conformance kit, c from the event size it asks for (>= 2). */
const small = (d: number): number[] => [2, 2, Math.max(2, Math.min(d, 4))];

/**
 * Registers the `glow` flow and its image bijectors (actnorm, invertible-conv-1x1,
 * channel-permutation, glow-coupling, masked-coupling, split-prior, squeeze, logit-transform);
 * idempotent.
 */
export function registerGlow(): void {
  register(
    'bijector',
    'glow',
    {
      description:
        'Glow: multi-scale actnorm, invertible 1x1 conv and affine coupling on images (Kingma & Dhariwal 2018)',
      create: (o) => new Glow(o),
      example: (d) => ({
        imageShape: [4, 4, d > 1 ? 2 : 1],
        levels: 2,
        stepsPerLevel: 1,
        hiddenChannels: 4,
        seed: d,
      }),
      tags: ['flow', 'image'],
      // The recipe of docs/benchmarks.md (Glow on Fashion-MNIST): batch 32 after a 100-step warm-up.
      recommended: {
        learningRate: 1e-3,
        batchSize: 32,
        steps: 5000,
        warmupSteps: 100,
        validationEvery: 250,
        validationRows: 2000,
      },
      schema: Glow.schema,
    },
    again,
  );
  const image = [
    [
      'actnorm',
      'per-channel affine map with data-dependent initialisation (Glow)',
      ActNorm,
      (d: number) => ({ eventShape: small(d) }),
    ],
    [
      'invertible-conv-1x1',
      'LU-parameterised invertible 1x1 convolution (Glow)',
      InvertibleConv1x1,
      (d: number) => ({ eventShape: small(d), seed: d }),
    ],
    [
      'channel-permutation',
      'fixed permutation of the channels of every pixel',
      ChannelPermutation,
      (d: number) => ({ eventShape: small(d) }),
    ],
    [
      'glow-coupling',
      'affine coupling on channels with a convolutional conditioner (Glow)',
      GlowCoupling,
      (d: number) => ({ eventShape: small(d), hiddenChannels: 4, seed: d }),
    ],
    [
      'masked-coupling',
      'checkerboard or channel masked affine coupling (RealNVP images)',
      MaskedCoupling,
      (d: number) => ({ eventShape: small(d), hiddenChannels: 4, seed: d }),
    ],
    [
      'split-prior',
      'learned conditional prior of a multi-scale split (Glow)',
      SplitPrior,
      (d: number) => ({ eventShape: small(d) }),
    ],
    [
      'squeeze',
      '2x2 space-to-depth squeeze of multi-scale flows (RealNVP)',
      Squeeze,
      (d: number) => ({ imageShape: small(d) }),
    ],
    [
      'logit-transform',
      'logit pre-transform of data in [0, 1] (RealNVP)',
      LogitTransform,
      (d: number) => ({ eventShape: [d] }),
    ],
  ] as const;
  for (const [name, description, Kind, example] of image) {
    register(
      'bijector',
      name,
      {
        description,
        create: (o: never) => new (Kind as new (o: never) => InstanceType<typeof Kind>)(o),
        example: example as never,
        schema: Kind.schema,
      },
      again,
    );
  }
}
