import { describe, expect, it } from 'vitest';
import { OptionError, ValueError } from '@bijective/core';
import {
  bitsPerDim,
  dequantisationLogDet,
  dequantise,
  inverseLogitTransform,
  logitTransform,
} from './dequantise.js';

describe('dequantisation and the logit transform', () => {
  it('dequantise maps each integer x to [x/256, (x+1)/256), seeded', () => {
    const x = Array.from({ length: 5000 }, (_, i) => i % 256);
    const y = dequantise(x, 1);
    const inside = y.every((v, i) => v >= (x[i] as number) / 256 && v < ((x[i] as number) + 1) / 256);
    expect(inside).toBe(true);
    expect(dequantise(x, 1)).toEqual(y);
    expect(dequantise(x, 2)).not.toEqual(y);
    const meanOffset = y.reduce((s, v, i) => s + v * 256 - (x[i] as number), 0) / y.length;
    expect(meanOffset).toBeCloseTo(0.5, 1);
    expect(Math.max(...dequantise([1, 0], 3, 2))).toBeLessThan(1);
  });

  it('dequantise rejects values that are not levels', () => {
    expect(() => dequantise([0, 256], 0)).toThrow(/value 256 at index 1 is not an integer in \[0, 256\)/);
    expect(() => dequantise([0.5], 0)).toThrow(ValueError);
    expect(() => dequantise([0], 0, 1)).toThrow(OptionError);
  });

  it('log-dets and bits per dimension', () => {
    expect(dequantisationLogDet(784)).toBeCloseTo(-784 * Math.log(256), 9);
    expect(bitsPerDim(784 * Math.LN2 * 3, 784)).toBeCloseTo(3, 12);
  });

  it('logit transform: values, per-row log-det against finite differences, and its inverse', () => {
    const alpha = 0.05;
    const y = [0.1, 0.5, 0.93, 0, 1, 0.25];
    const { value, logDet } = logitTransform(y, 3, alpha);
    expect(logDet.length).toBe(2);
    const f = (v: number): number => {
      const s = alpha + (1 - 2 * alpha) * v;
      return Math.log(s / (1 - s));
    };
    y.forEach((v, i) => expect(value[i]).toBeCloseTo(f(v), 5));
    const h = 1e-6;
    const numeric = (v: number): number =>
      Math.log((f(Math.min(1, v + h)) - f(Math.max(0, v - h))) / (Math.min(1, v + h) - Math.max(0, v - h)));
    expect(logDet[0]).toBeCloseTo(numeric(0.1) + numeric(0.5) + numeric(0.93), 4);
    const inverse = inverseLogitTransform(value, 3, alpha);
    inverse.value.forEach((v, i) => expect(v).toBeCloseTo(y[i] as number, 5));
    inverse.logDet.forEach((d, r) => expect(d).toBeCloseTo(-(logDet[r] as number), 3));
  });

  it('logit transform rejects values outside [0, 1], alpha 0 at the edges, and bad shapes', () => {
    expect(() => logitTransform([1.5], 1)).toThrow(/value 1.5 at index 0 is outside \[0, 1\]/);
    expect(() => logitTransform([0], 1, 0)).toThrow(/use alpha > 0/);
    expect(() => logitTransform([0.5, 0.5, 0.5], 2)).toThrow(/not rows of 2/);
    expect(() => logitTransform([0.5], 1, 0.5)).toThrow(OptionError);
    expect(() => inverseLogitTransform([NaN], 1)).toThrow(ValueError);
    expect(inverseLogitTransform([800, -800], 2).logDet[0]).toBeLessThan(-700);
  });
});
