import { describe, expect, test } from 'vitest';
import { OptionError, ShapeError } from '../errors.js';
import { eventValuesJson } from './fields.js';
import {
  optionRecord,
  readBijectorConfig,
  readBoolean,
  readEventShape,
  readEventValues,
  readNumber,
  readSeed,
} from './readers.js';

describe('option readers', () => {
  test('optionRecord rejects non-objects and unknown keys', () => {
    expect(optionRecord('x', { a: 1, b: undefined }, ['a'])).toEqual({ a: 1, b: undefined });
    expect(() => optionRecord('x', [1], ['a'])).toThrow(OptionError);
    expect(() => optionRecord('x', null, ['a'])).toThrow('x: options must be an object, got null');
    expect(() => optionRecord('x', { a: 1, c: 2 }, ['a', 'b'])).toThrow(
      "x: unknown option 'c'; known options: a, b",
    );
  });

  test('readEventShape requires positive integer shapes, vectors when asked', () => {
    expect(readEventShape('x', { eventShape: [2, 3] })).toEqual([2, 3]);
    expect(() => readEventShape('x', {})).toThrow(ShapeError);
    expect(() => readEventShape('x', { eventShape: [2, 1.5] })).toThrow("x: option 'eventShape'");
    expect(() => readEventShape('x', { eventShape: [2, 3] }, true)).toThrow(
      'must be a vector shape [d], got [2, 3]',
    );
  });

  test('readNumber applies the fallback and the bounds', () => {
    expect(readNumber('x', {}, 'n', 0.5, { above: 0, atMost: 1 })).toBe(0.5);
    expect(readNumber('x', { n: 1 }, 'n', 0.5, { above: 0, atMost: 1 })).toBe(1);
    expect(() => readNumber('x', { n: 0 }, 'n', 0.5, { above: 0 })).toThrow(
      "x: option 'n' must be a finite number > 0, got 0",
    );
    expect(() => readNumber('x', { n: -1 }, 'n', 0, { atLeast: 0 })).toThrow('>= 0');
    expect(() => readNumber('x', { n: Infinity }, 'n', 0)).toThrow(OptionError);
    expect(() => readNumber('x', { n: '1' }, 'n', 0)).toThrow('must be a finite number, got "1"');
  });

  test('readBoolean and readSeed check types; readSeed draws a seed when absent', () => {
    expect(readBoolean('x', {}, 'b', true)).toBe(true);
    expect(() => readBoolean('x', { b: 1 }, 'b', true)).toThrow("x: option 'b' must be a boolean, got 1");
    expect(readSeed('x', { seed: 7 })).toBe(7);
    const drawn = readSeed('x', {});
    expect(Number.isInteger(drawn) && drawn >= 0 && drawn < 2 ** 32).toBe(true);
    for (const seed of [-1, 0.5, 2 ** 32, '3'])
      expect(() => readSeed('x', { seed })).toThrow("x: option 'seed'");
  });

  test('readEventValues broadcasts numbers, checks lists, and eventValuesJson folds them back', () => {
    expect(readEventValues('x', { v: 2 }, 'v', [2, 2], 0)).toEqual([2, 2, 2, 2]);
    expect(readEventValues('x', {}, 'v', [3], 1)).toEqual([1, 1, 1]);
    expect(readEventValues('x', { v: [1, 2] }, 'v', [2], 0)).toEqual([1, 2]);
    expect(() => readEventValues('x', { v: [1, 2] }, 'v', [3], 0)).toThrow(
      'a list of 3 numbers (event shape [3])',
    );
    expect(() =>
      readEventValues('x', { v: [1, -2] }, 'v', [2], 0, { test: (v) => v > 0, what: 'positive' }),
    ).toThrow("x: option 'v' must hold positive numbers, got -2 at 1");
    expect(eventValuesJson([3, 3, 3])).toBe(3);
    expect(eventValuesJson([3, 1])).toEqual([3, 1]);
  });

  test('readBijectorConfig needs a name and an options object', () => {
    expect(readBijectorConfig('x', { name: 'exp', options: { eventShape: [2] } }, 'it')).toEqual({
      name: 'exp',
      options: { eventShape: [2] },
    });
    for (const bad of ['exp', { name: 'exp' }, { name: 1, options: {} }, { name: 'exp', options: [] }]) {
      expect(() => readBijectorConfig('x', bad, 'it')).toThrow(
        'x: it must be a bijector config {name, options}',
      );
    }
  });
});
