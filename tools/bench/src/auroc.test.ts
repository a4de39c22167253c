import { describe, expect, test } from 'vitest';
import { auroc } from './auroc.js';

describe('auroc', () => {
  test('1 for a perfect ranking, 0 for a reversed one, 0.5 for ties', () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auroc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
  });
  test('equals the share of (anomaly, normal) pairs ranked right, ties counted one half', () => {
    const scores = [0.3, 0.1, 0.7, 0.3, 0.5, 0.9, 0.2];
    const labels = [1, 0, 1, 0, 0, 1, 0];
    let right = 0;
    let pairs = 0;
    scores.forEach((a, i) =>
      scores.forEach((b, j) => {
        if (labels[i] === 1 && labels[j] === 0) {
          pairs += 1;
          right += a > b ? 1 : a === b ? 0.5 : 0;
        }
      }),
    );
    expect(auroc(scores, labels)).toBeCloseTo(right / pairs, 12);
  });
});
