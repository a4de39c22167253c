import { expectClose } from '../compare.js';
import { callOptions, eventSizes, inverseTolerance, take, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

/** (c) log|det J_{f⁻¹}(y)| = −log|det J_f(x)| at y = f(x) (inverse function theorem). */
export const inverseLogDetCheck: BijectorCheck<'inverse-log-det'> = {
  name: 'inverse-log-det',
  claim: 'the inverse log-det at y = forward(x) is minus the forward log-det at x',
  run(s: BijectorSubject) {
    const { n } = eventSizes(s);
    const o = callOptions(s);
    const forward = take(s.bijector.forwardAndLogDet(s.x, o).logDet);
    const inverse = take(s.bijector.inverseAndLogDet(s.y, o).logDet);
    expectClose(
      'inverseAndLogDet(y).logDet vs -forwardAndLogDet(x).logDet',
      inverse,
      forward.map((v) => -v),
      inverseTolerance(s, s.tolerances.inverseLogDet),
      { absScale: n },
    );
  },
};
