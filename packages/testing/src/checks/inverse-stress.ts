import { hostRng } from '@bijective/core';
import { drawBatch } from '../cases.js';
import { expectClose, expectFinite } from '../compare.js';
import { callOptions, eventSizes, inverseTolerance, take, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

/** Mixed into the case seed for the stress inputs, so they differ from the case's own draws. */
const STRESS_SEED = 0x5bd1e995;

/**
 * (i, opt-in) Inverse health far outside the training range (Behrmann et al. 2021, "Understanding
 * and mitigating exploding inverses in invertible neural networks"): for data-side inputs
 * y ~ N(0, σ²), σ = `stressScale` (default 20, far beyond standardised data), inverse(y) and its
 * log-det are finite and forward(inverse(y)) = y within the round-trip tolerance. Only for
 * bijectors whose data side is all of ℝⁿ (not sigmoid or tanh).
 */
export const inverseStressCheck: BijectorCheck<'inverse-stress'> = {
  name: 'inverse-stress',
  claim:
    'far outside the training range (data-side y ~ N(0, σ²), σ = stressScale), inverse(y) and its log-det are finite and forward(inverse(y)) = y',
  run(s: BijectorSubject) {
    const { n, m, batch } = eventSizes(s);
    const o = callOptions(s);
    const scale = s.stressScale;
    const rng = hostRng((s.seed ^ STRESS_SEED) >>> 0);
    const far = drawBatch(rng, batch, s.bijector.outputEventShape, (r) => scale * r.normal());
    try {
      const { value, logDet } = s.bijector.inverseAndLogDet(far.tensor, o);
      const x = take(value);
      expectFinite(`inverse(y) at y ~ N(0, ${scale}²)`, x, n);
      expectFinite(`inverseAndLogDet(y).logDet at y ~ N(0, ${scale}²)`, take(logDet), 1);
      const back = take(s.bijector.forward(s.bijector.inverse(far.tensor, o), o));
      expectClose(
        `forward(inverse(y)) vs y at y ~ N(0, ${scale}²)`,
        back,
        far.values,
        inverseTolerance(s, s.tolerances.roundTrip),
        { rowSize: m },
      );
    } finally {
      far.tensor.dispose();
    }
  },
};
