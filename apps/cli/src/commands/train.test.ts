import { describe, expect, test } from 'vitest';
import { register, unregister } from '@bijective/core';
import { defaultValidationEvery, trainingDefaults } from './train.js';

describe('defaultValidationEvery', () => {
  test('keeps max(10, steps/40) for large tables and toys', () => {
    expect(defaultValidationEvery(10_000, 256, 180_000)).toBe(250);
    expect(defaultValidationEvery(3000, 256, 180_000)).toBe(75);
    expect(defaultValidationEvery(100, 256, 180_000)).toBe(10);
  });

  test('validates at least every 10 epochs of a small table', () => {
    expect(defaultValidationEvery(10_000, 256, 128)).toBe(10); // one batch per epoch (wine)
    expect(defaultValidationEvery(10_000, 256, 2560)).toBe(100);
    expect(defaultValidationEvery(10_000, 64, 128)).toBe(20);
  });

  test("a flow's recommended cadence replaces max(10, steps/40), still at least every 10 epochs", () => {
    expect(defaultValidationEvery(2000, 256, 18_000, 200)).toBe(200); // FFJORD on a toy
    expect(defaultValidationEvery(2000, 256, 18_000, 20)).toBe(20);
    expect(defaultValidationEvery(2000, 256, 128, 200)).toBe(10); // a small table keeps its guard
  });
});

describe('trainingDefaults', () => {
  test("a flow's registered recommendations fill in the flags; others get the CLI's defaults", () => {
    register('bijector', 'test-recommended-flow' as 'chain', {
      description: 'test flow with recommendations',
      create: () => {
        throw new Error('not built here');
      },
      example: () => ({ bijectors: [] }),
      tags: ['flow'],
      recommended: {
        base: 'gaussian-mixture',
        learningRate: 4e-3,
        steps: 500,
        validationEvery: 25,
        warmupSteps: 10,
        validationRows: 300,
      },
    });
    expect(trainingDefaults('test-recommended-flow', false)).toEqual({
      steps: 500,
      batchSize: 256,
      learningRate: 4e-3,
      base: 'gaussian-mixture',
      validationEvery: 25,
      warmupSteps: 10,
      validationRows: 300,
    });
    // A whitened table keeps its recipe's rate and base (the cadence stays the flow's).
    expect(trainingDefaults('test-recommended-flow', true)).toEqual({
      steps: 500,
      batchSize: 256,
      learningRate: 2e-3,
      validationEvery: 25,
      warmupSteps: 10,
      validationRows: 300,
    });
    expect(trainingDefaults('no-such-flow', false)).toEqual({
      steps: 10_000,
      batchSize: 256,
      learningRate: 2e-3,
    });
    unregister('bijector', 'test-recommended-flow');
  });
});
