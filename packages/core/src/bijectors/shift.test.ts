import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { OptionError, ShapeError } from '../errors.js';
import { Shift } from './shift.js';

describe('Shift', () => {
  test('adds a per-element shift over any event shape with zero log-det', () => {
    const b = new Shift({ eventShape: [2, 2], shift: [1, 2, 3, 4] });
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.ones([3, 2, 2]));
      expect(Array.from(value.dataSync())).toEqual([2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4, 5]);
      expect(Array.from(logDet.dataSync())).toEqual([0, 0, 0]);
    });
    expect(b.getConfig()).toEqual({
      name: 'shift',
      options: { eventShape: [2, 2], shift: [1, 2, 3, 4], trainable: true },
    });
    b.dispose();
  });

  test('trainable: false keeps the shift as a saved, non-trainable variable', () => {
    const b = new Shift({ eventShape: [3], shift: 0.5, trainable: false });
    expect(b.variables).toHaveLength(1);
    expect(b.trainableVariables).toHaveLength(0);
    expect(b.getConfig().options).toEqual({ eventShape: [3], shift: 0.5, trainable: false });
    b.dispose();
  });

  test('invalid options name the option', () => {
    expect(() => new Shift({ eventShape: [3], shift: [1, 2] })).toThrow(OptionError);
    expect(() => new Shift({ eventShape: [3], shift: [1, 2] })).toThrow(
      "shift: option 'shift' must be a number or a list of 3 numbers",
    );
    expect(() => new Shift({ eventShape: [3], shift: [1, NaN, 2] })).toThrow(
      "option 'shift' must hold finite numbers",
    );
    expect(() => new Shift({ eventShape: [0] })).toThrow(ShapeError);
    expect(() => new Shift({ eventShape: [0] })).toThrow("shift: option 'eventShape'");
    expect(() => new Shift({ eventShape: [2], trainable: 'yes' } as never)).toThrow(
      "option 'trainable' must be a boolean",
    );
    expect(() => new Shift({ eventShape: [2], shfit: 1 } as never)).toThrow("shift: unknown option 'shfit'");
  });
});
