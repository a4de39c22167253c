import { CENTRAL_DIFFERENCE_STEP, numericalBijectorJacobian } from '../numerics/jacobian.js';
import { slogdet } from '../numerics/slogdet.js';
import { expectClose } from '../compare.js';
import { CheckFailure } from '../failure.js';
import { callOptions, eventSizes, take, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

/** log|det| of each row's numerical forward Jacobian (float64 slogdet), at relative step `stepScale`. */
function numericalLogDets(s: BijectorSubject, stepScale: number): number[] {
  const jacobians = numericalBijectorJacobian(s.bijector, s.x, { context: s.context, stepScale });
  return jacobians.map((j, r) => {
    if (j.length !== j[0]?.length) {
      throw new CheckFailure(`row ${r}: the forward Jacobian is ${j.length} x ${j[0]?.length}, not square`);
    }
    return slogdet(j).logAbsDet;
  });
}

/**
 * (b, numerical) The forward log-det equals log|det| of the central-difference Jacobian. A point
 * within h of a kink (leaky ReLU at 0, a spline knot) spoils the O(h²) error, so a failure at
 * h = eps32^(1/3) is retried once at h/10 (10x the roundoff, still within tolerance) before it counts.
 */
export const numericalLogDetCheck: BijectorCheck<'log-det-numerical'> = {
  name: 'log-det-numerical',
  claim: 'forward log|det J| equals the float64 slogdet of the central-difference Jacobian',
  run(s: BijectorSubject) {
    const { n } = eventSizes(s);
    const logDet = take(s.bijector.forwardAndLogDet(s.x, callOptions(s)).logDet);
    const compare = (stepScale: number) =>
      expectClose(
        `forwardAndLogDet(x).logDet vs numerical log|det J| (step ${stepScale.toPrecision(2)})`,
        logDet,
        numericalLogDets(s, stepScale),
        s.tolerances.numericalLogDet,
        { absScale: n },
      );
    try {
      compare(CENTRAL_DIFFERENCE_STEP);
    } catch (first) {
      if (!(first instanceof CheckFailure)) throw first;
      try {
        compare(CENTRAL_DIFFERENCE_STEP / 10);
      } catch (second) {
        if (!(second instanceof CheckFailure)) throw second;
        throw new CheckFailure(`${first.message}; retried: ${second.message}`);
      }
    }
  },
};
