import { describe, expect, it } from 'vitest';
import { joinNodes, nodeCount, smoothedCurveLogDensity, uniformCurveNodes } from './curve-density.js';

describe('smoothed curve densities', () => {
  it('a circle smoothed by N(0, σ²I) matches the closed form with the Bessel function I0', () => {
    // p(x) = exp(-(|x|² + r²)/(2σ²)) I0(r|x|/σ²) / (2πσ²); I0 by its power series.
    const besselI0 = (z: number): number => {
      let term = 1;
      let sum = 1;
      for (let k = 1; k < 200; k++) {
        term *= (z * z) / (4 * k * k);
        sum += term;
      }
      return sum;
    };
    const r = 1.5;
    const sigma = 0.3;
    const lp = smoothedCurveLogDensity(
      uniformCurveNodes(
        (t) => [r * Math.cos(t), r * Math.sin(t)],
        0,
        2 * Math.PI,
        nodeCount(2 * Math.PI * r, sigma, true),
        1,
      ),
      sigma,
    );
    for (const [x, y] of [
      [0, 0],
      [1.5, 0],
      [1, 1],
      [-0.3, 2.2],
    ] as const) {
      const rho = Math.hypot(x, y);
      const exact =
        -(rho * rho + r * r) / (2 * sigma * sigma) +
        Math.log(besselI0((r * rho) / (sigma * sigma))) -
        Math.log(2 * Math.PI * sigma * sigma);
      expect(lp(x, y)).toBeCloseTo(exact, 8);
    }
  });

  it('the midpoint rule on an open arc has converged: 8x more nodes changes log p by < 1e-3', () => {
    const arc = (t: number): [number, number] => [Math.cos(t), Math.sin(t)];
    const coarse = smoothedCurveLogDensity(
      uniformCurveNodes(arc, 0, Math.PI, nodeCount(Math.PI, 0.1, false), 1),
      0.1,
    );
    const fine = smoothedCurveLogDensity(
      uniformCurveNodes(arc, 0, Math.PI, 8 * nodeCount(Math.PI, 0.1, false), 1),
      0.1,
    );
    for (const [x, y] of [
      [1, 0],
      [1.05, -0.05],
      [-1.1, 0.02],
      [0, 1],
      [0, 0],
    ] as const) {
      expect(Math.abs(coarse(x, y) - fine(x, y))).toBeLessThan(1e-3);
    }
  });

  it('joins mixture components and stays finite far from the curve', () => {
    const nodes = joinNodes([
      uniformCurveNodes(() => [0, 0], 0, 1, 4, 0.5),
      uniformCurveNodes(() => [10, 0], 0, 1, 4, 0.5),
    ]);
    expect(nodes.mass.reduce((s, m) => s + m, 0)).toBeCloseTo(1, 12);
    const lp = smoothedCurveLogDensity(nodes, 1);
    // Two point masses of 1/2: the density at one of them is N(0; 0, I)/2 plus a negligible tail.
    expect(lp(0, 0)).toBeCloseTo(Math.log(0.5 / (2 * Math.PI)), 10);
    expect(lp(1e4, 0)).toBeCloseTo(-((1e4 - 10) ** 2) / 2 + Math.log(0.5 / (2 * Math.PI)), 6);
  });
});
