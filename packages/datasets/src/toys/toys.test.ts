import { describe, expect, it } from 'vitest';
import { OptionError, ShapeError, ValueError } from '@bijective/core';
import { checkerboard, eightGaussians, moons, pinwheel, swissroll, TOYS, twoSpirals } from './index.js';

/** -mean log p over `n` samples: a Monte Carlo estimate of the entropy. */
function entropyEstimate(name: keyof typeof TOYS, n: number, seed: number): number {
  const toy = TOYS[name]();
  const lp = toy.logProb?.(toy.sample(n, seed)) as Float64Array;
  return -lp.reduce((s, v) => s + v, 0) / n;
}

/** Entropy and total mass of a density by the midpoint rule on a square grid. */
function gridEntropy(name: keyof typeof TOYS, half: number, h: number): { entropy: number; mass: number } {
  const points: number[] = [];
  for (let x = -half + h / 2; x < half; x += h)
    for (let y = -half + h / 2; y < half; y += h) points.push(x, y);
  const lp = TOYS[name]().logProb?.(points) as Float64Array;
  let entropy = 0;
  let mass = 0;
  for (const v of lp) {
    const p = Math.exp(v);
    if (p > 0) {
      entropy -= p * v * h * h;
      mass += p * h * h;
    }
  }
  return { entropy, mass };
}

const measured: Record<string, number> = {};

describe('2-D toys', () => {
  it('sample n rows of 2 values, the same for the same seed and different for another', () => {
    for (const [name, factory] of Object.entries(TOYS)) {
      const toy = factory();
      const a = toy.sample(500, 7);
      expect(a, name).toBeInstanceOf(Float32Array);
      expect(a.length, name).toBe(1000);
      expect(a.every(Number.isFinite), name).toBe(true);
      expect(toy.sample(500, 7), name).toEqual(a);
      expect(toy.sample(500, 8), name).not.toEqual(a);
      expect(toy.eventShape).toEqual([2]);
      expect(toy.name).toBe(name);
    }
  });

  it.each([
    ['moons', 1.006],
    ['8gaussians', 2.834],
    ['checkerboard', 3.466],
  ] as const)('%s: -mean log p on 20k samples is within 0.02 of the reference %f nats', (name, reference) => {
    const estimate = entropyEstimate(name, 20_000, 2024);
    measured[name] = estimate;
    expect(Math.abs(estimate - reference)).toBeLessThan(0.02);
    expect(Math.abs((TOYS[name]().entropy as number) - reference)).toBeLessThan(0.003);
  });

  it('moons and 8gaussians entropy constants match grid quadrature of their densities', () => {
    const m = gridEntropy('moons', 2.6, 0.04);
    expect(m.mass).toBeCloseTo(1, 4);
    expect(Math.abs(m.entropy - (moons().entropy as number))).toBeLessThan(2e-3);
    const g = gridEntropy('8gaussians', 5, 0.1);
    expect(g.mass).toBeCloseTo(1, 6);
    expect(Math.abs(g.entropy - (eightGaussians().entropy as number))).toBeLessThan(1e-3);
  });

  it.each([
    ['circles', 4.6, 0.1],
    ['rings', 3.7, 0.06],
    ['swissroll', 3.6, 0.08],
  ] as const)('%s: the density integrates to 1 and matches its entropy constant', (name, half, h) => {
    const { entropy, mass } = gridEntropy(name, half, h);
    expect(Math.abs(mass - 1)).toBeLessThan(1e-3);
    expect(Math.abs(entropy - (TOYS[name]().entropy as number))).toBeLessThan(5e-3);
    const estimate = entropyEstimate(name, 4000, 99);
    measured[name] = estimate;
    expect(Math.abs(estimate - (TOYS[name]().entropy as number))).toBeLessThan(0.06);
  });

  it('checkerboard: every sample lies on the 8 squares where log p = -ln 32; other squares are -Infinity', () => {
    const toy = checkerboard();
    const lp = toy.logProb?.(toy.sample(5000, 3)) as Float64Array;
    expect(lp.every((v) => v === -Math.log(32))).toBe(true);
    expect(Array.from(toy.logProb?.([1, 1, -1, 1, 3, -3, 5, 0, -4, -4, 4, 0]) ?? [])).toEqual([
      -Math.log(32),
      -Infinity,
      -Infinity,
      -Infinity,
      -Math.log(32),
      -Infinity,
    ]);
  });

  it('moons has sklearn means (0.5, 0.25); 8gaussians sits on a circle of radius 4/1.414', () => {
    const m = moons().sample(20_000, 5);
    const mean = (v: Float32Array, k: number): number =>
      v.filter((_, i) => i % 2 === k).reduce((s, x) => s + x, 0) / (v.length / 2);
    expect(mean(m, 0)).toBeCloseTo(0.5, 1);
    expect(mean(m, 1)).toBeCloseTo(0.25, 1);
    const g = eightGaussians().sample(20_000, 5);
    let radius = 0;
    for (let i = 0; i < g.length; i += 2) radius += Math.hypot(g[i] as number, g[i + 1] as number);
    expect(radius / (g.length / 2)).toBeCloseTo(4 / 1.414, 1);
  });

  it('pinwheel has |x| = 2|f| (mean about 2) and 2spirals is symmetric about the origin', () => {
    const p = pinwheel().sample(10_000, 1);
    let r = 0;
    for (let i = 0; i < p.length; i += 2) r += Math.hypot(p[i] as number, p[i + 1] as number);
    expect(r / 10_000).toBeGreaterThan(1.9);
    expect(r / 10_000).toBeLessThan(2.2);
    const s = twoSpirals().sample(10_000, 1);
    const mean = s.reduce((a, v) => a + v, 0) / s.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(pinwheel().logProb).toBeUndefined();
    expect(twoSpirals().logProb).toBeUndefined();
  });

  it('noise changes the toy and drops the reference entropy', () => {
    const toy = moons({ noise: 0.2 });
    expect(toy.entropy).toBeUndefined();
    expect(toy.description).toContain('0.2');
    expect(swissroll({ noise: 0.5 }).logProb?.([0, 0])[0]).toBeLessThan(0);
  });

  it('rejects bad options, counts, seeds and points with a clear error', () => {
    expect(() => moons({ noise: -1 })).toThrow(OptionError);
    expect(() => moons({ nois: 1 } as never)).toThrow(/unknown option 'nois'.*known: noise/);
    expect(() => checkerboard({ noise: 1 } as never)).toThrow(/unknown option 'noise'/);
    expect(() => moons().sample(-1, 0)).toThrow(/moons.sample: n must be an integer >= 0/);
    expect(() => moons().sample(3, 0.5)).toThrow(OptionError);
    expect(() => moons().logProb?.([1, 2, 3])).toThrow(ShapeError);
    expect(() => moons().logProb?.([1, NaN])).toThrow(ValueError);
    expect(moons().logProb?.([1e6, -1e6])[0]).toBeLessThan(-1e10);
    expect(moons().logProb?.([Infinity, 0])[0]).toBe(-Infinity);
  });

  it('reports the measured entropies', () => {
    console.log('measured -mean log p:', JSON.stringify(measured));
  });
});
