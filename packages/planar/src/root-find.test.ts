import { describe, expect, test } from 'vitest';
import { isSolveFailure, solveIncreasing } from './root-find.js';

describe('solveIncreasing', () => {
  test('finds roots to float64 precision, from any start in the bracket, in few steps', () => {
    let calls = 0;
    const cube = (x: number) => {
      calls++;
      return { value: x ** 3 + x - 10, slope: 3 * x * x + 1 };
    };
    for (const start of [-5, 0, 2, 5]) {
      const root = solveIncreasing(cube, { lo: -5, hi: 5 }, start) as number;
      expect(Math.abs(root ** 3 + root - 10)).toBeLessThan(1e-10);
    }
    expect(calls).toBeLessThan(4 * 40);
  });

  test('falls back to bisection where Newton would leave the bracket (a flat slope)', () => {
    // tanh-like: Newton from the flat tail overshoots; the bracket keeps it safe.
    const g = (x: number) => ({ value: Math.tanh(x) - 0.999, slope: 1 - Math.tanh(x) ** 2 });
    const root = solveIncreasing(g, { lo: -20, hi: 20 }, -19) as number;
    expect(root).toBeCloseTo(Math.atanh(0.999), 10);
  });

  test('reports a bracket without a sign change, NaNs and no convergence', () => {
    const line = (x: number) => ({ value: x - 3, slope: 1 });
    expect(solveIncreasing(line, { lo: 4, hi: 5 }, 4)).toMatchObject({ reason: 'not-bracketed' });
    expect(solveIncreasing(() => ({ value: NaN, slope: 1 }), { lo: 0, hi: 1 }, 0)).toMatchObject({
      reason: 'not-finite',
    });
    expect(solveIncreasing(line, { lo: 0, hi: NaN }, 0)).toMatchObject({ reason: 'not-finite' });
    const slow = solveIncreasing((x) => ({ value: x - 0.3, slope: 0 }), { lo: 0, hi: 1 }, 0, {
      maxIterations: 3,
    });
    expect(isSolveFailure(slow) && slow.reason).toBe('no-convergence');
    expect(solveIncreasing(line, { lo: 3, hi: 5 }, 4)).toBe(3);
  });
});
