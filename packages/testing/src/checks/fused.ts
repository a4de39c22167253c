import { expectClose } from '../compare.js';
import { callOptions, eventSizes, inverseTolerance, take, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

/** (d) The fused calls' values equal the single-output calls: forwardAndLogDet(x).value = forward(x), likewise inverse. */
export const fusedCheck: BijectorCheck<'fused'> = {
  name: 'fused',
  claim: 'forwardAndLogDet(x).value = forward(x) and inverseAndLogDet(y).value = inverse(y)',
  run(s: BijectorSubject) {
    const { n, m } = eventSizes(s);
    const o = callOptions(s);
    const b = s.bijector;
    expectClose(
      'forwardAndLogDet(x).value vs forward(x)',
      take(b.forwardAndLogDet(s.x, o).value),
      take(b.forward(s.x, o)),
      s.tolerances.fused,
      { rowSize: m },
    );
    expectClose(
      'inverseAndLogDet(y).value vs inverse(y)',
      take(b.inverseAndLogDet(s.y, o).value),
      take(b.inverse(s.y, o)),
      inverseTolerance(s, s.tolerances.fused),
      { rowSize: n },
    );
  },
};
