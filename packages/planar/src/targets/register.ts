import { register } from '@bijective/core';
import { bananaTarget, type BananaOptions } from './banana.js';
import { energyTarget, type EnergyOptions } from './energy-targets.js';
import type { EnergyName } from './energies.js';
import { funnelTarget, type FunnelOptions } from './funnel.js';
import { logisticRegressionTarget, type LogisticRegressionOptions } from './logistic-regression.js';

declare module '@bijective/core' {
  interface TargetOptionsMap {
    u1: EnergyOptions;
    u2: EnergyOptions;
    u3: EnergyOptions;
    u4: EnergyOptions;
    banana: BananaOptions;
    funnel: FunnelOptions;
    'logistic-regression': LogisticRegressionOptions;
  }
}

// `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
// re-registers the same factories; conflicts between different packages are caught by their names.
const again = { replace: true };

const ENERGIES: Record<EnergyName, string> = {
  u1: 'ring with two modes, U1 of Rezende & Mohamed (2015, Table 1)',
  u2: 'sine ridge, U2 of Rezende & Mohamed (2015, Table 1), soft wall (z1/4)^8/2',
  u3: 'split sine ridge, U3 of Rezende & Mohamed (2015, Table 1), soft wall (z1/4)^8/2',
  u4: 'sine ridge with a sigmoid step, U4 of Rezende & Mohamed (2015, Table 1), soft wall (z1/4)^8/2',
};

/** Registers the targets `u1`..`u4`, `banana`, `funnel` and `logistic-regression` (idempotent). */
export function registerTargets(): void {
  for (const [name, description] of Object.entries(ENERGIES) as [EnergyName, string][]) {
    register('target', name, { description, create: (o) => energyTarget(name, o) }, again);
  }
  register(
    'target',
    'banana',
    {
      description: "Haario et al.'s (1999) twisted Gaussian, any dimension, log Z = 0",
      create: (o) => bananaTarget(o),
    },
    again,
  );
  register(
    'target',
    'funnel',
    { description: "Neal's (2003) funnel, any dimension, log Z = 0", create: (o) => funnelTarget(o) },
    again,
  );
  register(
    'target',
    'logistic-regression',
    {
      description:
        'Bayesian logistic regression posterior, Gaussian prior (data inline; CSV via @bijective/planar/node)',
      create: (o) => logisticRegressionTarget(o),
    },
    again,
  );
}
