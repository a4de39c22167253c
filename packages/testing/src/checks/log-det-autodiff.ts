import { autodiffJacobian } from '../numerics/jacobian.js';
import { slogdet } from '../numerics/slogdet.js';
import { expectClose } from '../compare.js';
import { CheckFailure } from '../failure.js';
import { callOptions, eventSizes, take, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

/** (b, autodiff) The forward log-det equals log|det| of the Jacobian from per-output VJPs. */
export const autodiffLogDetCheck: BijectorCheck<'log-det-autodiff'> = {
  name: 'log-det-autodiff',
  claim: 'forward log|det J| equals the float64 slogdet of the autodiff (VJP) Jacobian',
  run(s: BijectorSubject) {
    const { n } = eventSizes(s);
    const o = callOptions(s);
    const logDet = take(s.bijector.forwardAndLogDet(s.x, o).logDet);
    const jacobians = autodiffJacobian((t) => s.bijector.forward(t, o), s.x);
    const expected = jacobians.map((j, r) => {
      if (j.length !== j[0]?.length) {
        throw new CheckFailure(`row ${r}: the forward Jacobian is ${j.length} x ${j[0]?.length}, not square`);
      }
      return slogdet(j).logAbsDet;
    });
    expectClose(
      'forwardAndLogDet(x).logDet vs autodiff log|det J|',
      logDet,
      expected,
      s.tolerances.autodiffLogDet,
      { absScale: n },
    );
  },
};
