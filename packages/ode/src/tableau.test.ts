import { describe, expect, test } from 'vitest';
import { DOPRI5, EULER, MIDPOINT, RK4, type ButcherTableau } from './tableau.js';

const dot = (u: readonly number[], v: readonly number[]): number =>
  u.reduce((s, x, i) => s + x * (v[i] ?? 0), 0);

/** A·v for the strictly lower-triangular stage matrix. */
const aTimes = (t: ButcherTableau, v: readonly number[]): number[] => t.a.map((row) => dot(row, v));

/** The Runge-Kutta order conditions up to order 5 (Butcher trees), each as [order, residual]. */
function orderConditions(t: ButcherTableau, b: readonly number[]): [number, number][] {
  const c = t.c;
  const pow = (k: number) => c.map((x) => x ** k);
  const Ac = aTimes(t, c);
  const Ac2 = aTimes(t, pow(2));
  const AAc = aTimes(t, Ac);
  const mul = (u: readonly number[], v: readonly number[]) => u.map((x, i) => x * (v[i] as number));
  return [
    [
      1,
      dot(
        b,
        c.map(() => 1),
      ) - 1,
    ],
    [2, dot(b, c) - 1 / 2],
    [3, dot(b, pow(2)) - 1 / 3],
    [3, dot(b, Ac) - 1 / 6],
    [4, dot(b, pow(3)) - 1 / 4],
    [4, dot(b, mul(c, Ac)) - 1 / 8],
    [4, dot(b, Ac2) - 1 / 12],
    [4, dot(b, AAc) - 1 / 24],
    [5, dot(b, pow(4)) - 1 / 5],
    [5, dot(b, mul(pow(2), Ac)) - 1 / 10],
    [5, dot(b, mul(Ac, Ac)) - 1 / 20],
    [5, dot(b, mul(c, Ac2)) - 1 / 15],
    [5, dot(b, aTimes(t, pow(3))) - 1 / 20],
    [5, dot(b, mul(c, AAc)) - 1 / 30],
    [5, dot(b, aTimes(t, mul(c, Ac))) - 1 / 40],
    [5, dot(b, aTimes(t, Ac2)) - 1 / 60],
    [5, dot(b, aTimes(t, AAc)) - 1 / 120],
  ];
}

describe('Butcher tableaus', () => {
  test.each([
    ['euler', EULER],
    ['midpoint', MIDPOINT],
    ['rk4', RK4],
    ['dopri5', DOPRI5],
  ] as const)('%s: rows sum to c and the order conditions hold exactly up to its order', (_, t) => {
    t.a.forEach((row, i) => expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(t.c[i] as number, 14));
    for (const [order, residual] of orderConditions(t, t.b)) {
      if (order <= t.order) expect(Math.abs(residual)).toBeLessThan(1e-14);
    }
    // The method is not of higher order than claimed: some condition of order p + 1 fails.
    const next = orderConditions(t, t.b).filter(([o]) => o === t.order + 1);
    if (next.length) expect(Math.max(...next.map(([, r]) => Math.abs(r)))).toBeGreaterThan(1e-6);
  });

  test('dopri5: first same as last, and the embedded solution b̂ = b - errorWeights has order 4', () => {
    expect(DOPRI5.a[6]).toEqual(DOPRI5.b.slice(0, 6));
    expect(DOPRI5.b[6]).toBe(0);
    const bHat = DOPRI5.b.map((b, i) => b - (DOPRI5.errorWeights?.[i] as number));
    for (const [order, residual] of orderConditions(DOPRI5, bHat)) {
      if (order <= 4) expect(Math.abs(residual)).toBeLessThan(1e-14);
    }
    const fifth = orderConditions(DOPRI5, bHat).filter(([o]) => o === 5);
    expect(Math.max(...fifth.map(([, r]) => Math.abs(r)))).toBeGreaterThan(1e-6);
  });
});
