// The host exp for x <= 0 against Math.exp: within 1 ulp on the range the spline uses, and its special values.
import { describe, expect, test } from 'vitest';
import { expNonPositive } from './host-exp.js';

/** Distance in units in the last place between two positive finite doubles. */
function ulps(a: number, b: number): number {
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = (bits[0] as bigint) - (bits[1] as bigint);
  return Number(d < 0n ? -d : d);
}

describe('expNonPositive', () => {
  test('is within 1 ulp of Math.exp on (-745, 0]', () => {
    let seed = 7;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 16807) % 2147483647;
      const x = -(seed / 2147483647) * (i % 2 ? 40 : 745);
      expect(ulps(expNonPositive(x), Math.exp(x))).toBeLessThanOrEqual(1);
    }
  });

  test('handles 0, the underflow edge, -Infinity and NaN', () => {
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-0)).toBe(1);
    expect(expNonPositive(-1e-300)).toBe(1);
    // e^(-ln2/2 + 1.2e-17) rounds to √½ (Math.exp returns the double below it).
    expect(expNonPositive(-0.5 * Math.LN2)).toBe(Math.SQRT1_2);
    expect(expNonPositive(-744)).toBe(Math.exp(-744));
    expect(expNonPositive(-746)).toBe(0);
    expect(expNonPositive(-Infinity)).toBe(0);
    expect(expNonPositive(Number.NaN)).toBeNaN();
  });
});
