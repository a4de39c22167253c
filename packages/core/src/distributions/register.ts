import { register } from '../registry.js';
import { FlowMixture, type FlowMixtureOptions } from './flow-mixture.js';
import { DiagonalNormal, type DiagonalNormalOptions } from './diagonal-normal.js';
import { GaussianMixture, type GaussianMixtureOptions } from './gaussian-mixture.js';
import { StandardNormal, type StandardNormalOptions } from './standard-normal.js';

declare module '../index.js' {
  interface DistributionOptionsMap {
    'standard-normal': StandardNormalOptions;
    'diagonal-normal': DiagonalNormalOptions;
    'gaussian-mixture': GaussianMixtureOptions;
    'flow-mixture': FlowMixtureOptions;
  }
}

// `replace: true`: a module graph evaluated twice in one process (isolated test files, hot reload)
// re-registers the same factories; conflicts between different packages are caught by their names.
const again = { replace: true };

/** Registers the base distributions (`standard-normal`, `diagonal-normal`, `gaussian-mixture`, `flow-mixture`) in the distribution registry (idempotent). */
export function registerDistributions(): void {
  register(
    'distribution',
    'standard-normal',
    { description: 'standard normal N(0, I)', create: (o) => new StandardNormal(o) },
    again,
  );
  register(
    'distribution',
    'diagonal-normal',
    { description: 'Gaussian with trainable mean and diagonal scale', create: (o) => new DiagonalNormal(o) },
    again,
  );
  register(
    'distribution',
    'gaussian-mixture',
    {
      description: 'mixture of diagonal Gaussians with trainable weights, means and scales',
      create: (o) => new GaussianMixture(o),
    },
    again,
  );
  register(
    'distribution',
    'flow-mixture',
    {
      description:
        'mixture of flows with fixed weights (an ensemble): log p = logsumexp_k (log w_k + log p_k)',
      create: (o) => new FlowMixture(o),
      // Built from whole flows' configs (what `flowMixture` saves), not a base to put under a flow.
      tags: ['composite'],
    },
    again,
  );
}
