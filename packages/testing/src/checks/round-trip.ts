import { expectClose } from '../compare.js';
import { callOptions, eventSizes, inverseTolerance, take, type BijectorSubject } from '../subject.js';
import type { BijectorCheck } from './check.js';

/** (a) inverse(forward(x)) = x and forward(inverse(y)) = y, elementwise within the round-trip tolerance. */
export const roundTripCheck: BijectorCheck<'round-trip'> = {
  name: 'round-trip',
  claim: 'inverse(forward(x)) = x and forward(inverse(y)) = y at y = forward(x)',
  run(s: BijectorSubject) {
    const { n, m } = eventSizes(s);
    const o = callOptions(s);
    const tol = inverseTolerance(s, s.tolerances.roundTrip);
    const xBack = take(s.bijector.inverse(s.y, o));
    expectClose('inverse(forward(x)) vs x', xBack, s.x.dataSync(), tol, { rowSize: n });
    const yBack = take(s.bijector.forward(s.bijector.inverse(s.y, o), o));
    expectClose('forward(inverse(y)) vs y', yBack, s.y.dataSync(), tol, { rowSize: m });
  },
};
