// The conformance kit (numerical Jacobians, inverses, log-dets, gradients) on every image bijector
// and the glow flow, on small images (4x4x2), cpu and wasm, with their weights moved off the
// identity-like initial values so that every conditioner is exercised.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { type Bijector } from '@bijective/core';
import { describeBijectorConformance, describeFlowConformance, standardNormalFlow } from '@bijective/testing';
import { describe, test } from 'vitest';
import {
  ActNorm,
  ChannelPermutation,
  Glow,
  GlowCoupling,
  InvertibleConv1x1,
  LogitTransform,
  MaskedCoupling,
  SplitPrior,
  Squeeze,
} from './index.js';
import { perturbed } from './test-helpers.js';

const IMAGE = [4, 4, 2];
const options = {
  backends: ['cpu', 'wasm'],
  eventSizes: { min: 32, max: 32 },
  batchSizes: { min: 1, max: 3 },
  numRuns: 3,
};

function initialisedActNorm(seed: number): Bijector {
  const actnorm = new ActNorm({ eventShape: IMAGE });
  tf.tidy(() =>
    actnorm.initialise(tf.add(tf.mul(tf.randomNormal([8, ...IMAGE], 0, 1, 'float32', seed), 3), 1)),
  );
  return actnorm;
}

const factories: Record<string, (seed: number) => Bijector> = {
  actnorm: initialisedActNorm,
  'invertible-conv-1x1': (seed) => perturbed(new InvertibleConv1x1({ eventShape: IMAGE, seed }), seed),
  'channel-permutation': () => new ChannelPermutation({ eventShape: [4, 4, 3], permutation: [2, 0, 1] }),
  'glow-coupling': (seed) =>
    perturbed(new GlowCoupling({ eventShape: IMAGE, hiddenChannels: 4, seed }), seed),
  'masked-coupling (checkerboard)': (seed) =>
    perturbed(new MaskedCoupling({ eventShape: IMAGE, mask: 'checkerboard', hiddenChannels: 4, seed }), seed),
  'masked-coupling (channel, parity 1)': (seed) =>
    perturbed(
      new MaskedCoupling({ eventShape: IMAGE, mask: 'channel', parity: 1, hiddenChannels: 4, seed }),
      seed,
    ),
  'split-prior': (seed) => perturbed(new SplitPrior({ eventShape: IMAGE }), seed),
  squeeze: () => new Squeeze({ imageShape: IMAGE }),
  glow: (seed) =>
    perturbed(
      new Glow({ imageShape: [4, 4, 2], levels: 2, stepsPerLevel: 1, hiddenChannels: 4, seed }),
      seed,
      0.05,
    ),
  'glow (class-conditional: context [3] conditions every level prior)': (seed) =>
    perturbed(
      new Glow({
        imageShape: [4, 4, 2],
        levels: 2,
        stepsPerLevel: 1,
        hiddenChannels: 4,
        contextShape: [3],
        seed,
      }),
      seed,
      0.05,
    ),
  'glow (reverse mixing, one level)': (seed) =>
    perturbed(
      new Glow({
        imageShape: [2, 4, 4],
        levels: 1,
        stepsPerLevel: 2,
        hiddenChannels: 4,
        mixing: 'reverse',
        seed,
      }),
      seed,
      0.05,
    ),
  'glow (realnvp couplings, standard split prior)': (seed) =>
    perturbed(
      new Glow({
        imageShape: [4, 4, 2],
        levels: 2,
        stepsPerLevel: 2,
        hiddenChannels: 4,
        coupling: 'realnvp',
        splitPrior: 'standard',
        seed,
      }),
      seed,
      0.05,
    ),
};

for (const [name, make] of Object.entries(factories)) {
  describeBijectorConformance({ describe, test }, name, (d) => make(d + 1), options);
}
// The logit pre-transform maps R to (0, 1): inputs are base-side reals, any event size.
describeBijectorConformance(
  { describe, test },
  'logit-transform',
  (d) => new LogitTransform({ eventShape: [d], alpha: 0.05 }),
  { backends: ['cpu', 'wasm'] },
);
describeFlowConformance(
  { describe, test },
  'glow',
  standardNormalFlow((d) => factories.glow!(d)),
  {
    backends: ['cpu'],
    eventSizes: { min: 32, max: 32 },
    numRuns: 2,
  },
);
