import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptionError } from '../errors.js';
import { TriangularAffine } from './triangular-affine.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TriangularAffine', () => {
  const matrix = [2, 0, 0.5, 0.25];
  const shift = [1, -1];

  it('maps y = L x + t with log|det| = Σ log L_ii, and inverts exactly', () => {
    const b = new TriangularAffine({ eventShape: [2], matrix, shift });
    const x = tf.tensor2d([
      [1, 2],
      [-3, 0.5],
    ]);
    const { value, logDet } = b.forwardAndLogDet(x);
    expect(Array.from(value.dataSync())).toEqual([3, 0.5 + 0.5 - 1, -5, -1.5 + 0.125 - 1]);
    const expected = Math.log(2) + Math.log(0.25);
    Array.from(logDet.dataSync()).forEach((v) => expect(v).toBeCloseTo(expected, 6));
    const back = b.inverseAndLogDet(value);
    Array.from(back.value.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(x.dataSync()[i] as number, 5));
    Array.from(back.logDet.dataSync()).forEach((v) => expect(v).toBeCloseTo(-expected, 6));
    expect(b.variables).toHaveLength(0);
    tf.dispose([x, value, logDet, back.value, back.logDet]);
  });

  it('round-trips its config and rejects bad matrices', () => {
    const b = new TriangularAffine({ eventShape: [2], matrix, shift });
    expect(new TriangularAffine(b.getConfig().options as never).getConfig()).toEqual(b.getConfig());
    expect(() => new TriangularAffine({ eventShape: [2], matrix: [1, 1, 0, 1] })).toThrow(OptionError);
    expect(() => new TriangularAffine({ eventShape: [2], matrix: [1, 0, 0, -1] })).toThrow(OptionError);
    expect(() => new TriangularAffine({ eventShape: [2], matrix: [1, 0, 0] })).toThrow(OptionError);
  });
});
