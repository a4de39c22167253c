/**
 * Registers the first-party trace estimators under the registry kind `traceEstimator`: `exact`,
 * `hutchinson-gaussian` and `hutchinson-rademacher`. Skips names already registered, so that two
 * copies of this package in one process share the first one's entries.
 * @module
 */
import { OptionError, isRegistered, register } from '@bijective/core';
import { ExactTrace } from './exact.js';
import { HutchinsonTrace } from './hutchinson.js';

/** Registers the trace estimators `exact`, `hutchinson-gaussian` and `hutchinson-rademacher` (idempotent). */
export function registerTraceEstimators(): void {
  if (!isRegistered('traceEstimator', 'exact')) {
    register('traceEstimator', 'exact', {
      description: 'exact trace from d vector-Jacobian products with the basis vectors (no options)',
      create: (options) => {
        if (
          options !== undefined &&
          (options === null || typeof options !== 'object' || Object.keys(options).length > 0)
        ) {
          throw new OptionError(`exact: takes no options, got ${JSON.stringify(options)}`);
        }
        return new ExactTrace();
      },
    });
  }
  if (!isRegistered('traceEstimator', 'hutchinson-gaussian')) {
    register('traceEstimator', 'hutchinson-gaussian', {
      description: 'Hutchinson estimator with standard normal probes (options: probes)',
      create: (options) => new HutchinsonTrace('gaussian', options),
    });
  }
  if (!isRegistered('traceEstimator', 'hutchinson-rademacher')) {
    register('traceEstimator', 'hutchinson-rademacher', {
      description: 'Hutchinson estimator with Rademacher (±1) probes, lower variance (options: probes)',
      create: (options) => new HutchinsonTrace('rademacher', options),
    });
  }
}
