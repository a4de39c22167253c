import { describe, expect, test } from 'vitest';
import { defaultValidationEvery } from './train.js';

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
});
