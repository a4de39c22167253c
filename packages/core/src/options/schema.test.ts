import { describe, expect, test } from 'vitest';
import { OptionError, ShapeError } from '../errors.js';
import { defaultText, option } from './fields.js';
import { defineOptions } from './schema.js';

const SCHEMA = defineOptions('acme/x', {
  eventShape: option.vectorShape({ min: 2, why: 'x splits the event' }),
  layers: option.count({ default: 12 }),
  shift: option.eventValues({
    default: 0,
    valid: (c) => {
      const bound = c.value<number>('bound');
      return { test: (v) => Math.abs(v) < bound, what: `below ${bound} in size` };
    },
  }),
  bound: option.number({ default: 3, above: 0 }),
  kind: option.oneOf(['a', 'b'], { default: 'a' }),
  mixing: option.oneOf(['p', 'q', 'r']),
  parity: option.oneOf([0, 1], { default: 0 }),
  contextShape: option.contextShape(),
  hidden: option.hiddenSizes({ default: [64, 64] }),
  seed: option.seed(),
  drawn: option.unsaved(option.boolean({ default: true })),
});

describe('defineOptions', () => {
  test('reads options in declaration order, defaults filled in, and saves them in that order', () => {
    const r = SCHEMA.read({ eventShape: [3], mixing: 'q', seed: 5, shift: [1, 2, -1] });
    expect(r).toEqual({
      eventShape: [3],
      layers: 12,
      shift: [1, 2, -1],
      bound: 3,
      kind: 'a',
      mixing: 'q',
      parity: 0,
      contextShape: null,
      hidden: [64, 64],
      seed: 5,
      drawn: true,
    });
    const config = SCHEMA.toConfig(r);
    // contextShape null and the unsaved field are left out; the key order is the declaration's.
    expect(JSON.stringify(config)).toBe(
      '{"eventShape":[3],"layers":12,"shift":[1,2,-1],"bound":3,"kind":"a","mixing":"q","parity":0,"hidden":[64,64],"seed":5}',
    );
    expect(SCHEMA.toConfig({ ...r, shift: [0, 0, 0], contextShape: [2] })).toMatchObject({
      shift: 0,
      contextShape: [2],
    });
    // The config shares nothing with the resolved options.
    (config.hidden as number[]).push(1);
    expect(r.hidden).toEqual([64, 64]);
    expect(SCHEMA.keys).toEqual(Object.keys(SCHEMA.fields));
  });

  test('an option another one needs is read first, so its error comes first', () => {
    expect(() => SCHEMA.read({ eventShape: [3], mixing: 'p', shift: 5, bound: -1 })).toThrow(
      "acme/x: option 'bound' must be a finite number > 0, got -1",
    );
    expect(() => SCHEMA.read({ eventShape: [3], mixing: 'p', shift: [1, 4, 0] })).toThrow(
      "acme/x: option 'shift' must hold below 3 in size numbers, got 4 at 1",
    );
  });

  test('errors name the owner and the key', () => {
    const base = { eventShape: [3], mixing: 'p' };
    expect(() => SCHEMA.read([])).toThrow('acme/x: options must be an object, got []');
    expect(() => SCHEMA.read({ ...base, layer: 2 })).toThrow(
      "acme/x: unknown option 'layer'; known options: eventShape, layers, shift, bound, kind, mixing, parity, contextShape, hidden, seed, drawn",
    );
    expect(() => SCHEMA.read({ eventShape: [1] })).toThrow(ShapeError);
    expect(() => SCHEMA.read({ eventShape: [1] })).toThrow(
      'acme/x: x splits the event, so they need d >= 2; got eventShape [1]',
    );
    expect(() => SCHEMA.read({ ...base, layers: 0 })).toThrow(
      "acme/x: option 'layers' must be a positive integer, got 0",
    );
    expect(() => SCHEMA.read({ ...base, kind: 'c' })).toThrow(
      "acme/x: option 'kind' must be 'a' or 'b', got \"c\"",
    );
    expect(() => SCHEMA.read({ eventShape: [3] })).toThrow(
      "acme/x: option 'mixing' must be one of p, q, r, got undefined",
    );
    expect(() => SCHEMA.read({ ...base, parity: 2 })).toThrow(
      "acme/x: option 'parity' must be 0 or 1, got 2",
    );
    expect(() => SCHEMA.read({ ...base, contextShape: [0] })).toThrow("acme/x: option 'contextShape'");
    expect(() => SCHEMA.read({ ...base, hidden: [] })).toThrow(
      "acme/x: option 'hidden' must be a non-empty list of positive integers, got []",
    );
    expect(() => SCHEMA.read({ ...base, seed: -1 })).toThrow(OptionError);
    expect(() => SCHEMA.read({ ...base, drawn: 1 })).toThrow(
      "acme/x: option 'drawn' must be a boolean, got 1",
    );
  });

  test('a seed is drawn when absent; a cycle between options is a programming error', () => {
    const seed = SCHEMA.read({ eventShape: [2], mixing: 'r' }).seed;
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    const cyclic = defineOptions('acme/cycle', {
      a: option.custom({ read: (_, c) => c.value<number>('b') }),
      b: option.custom({ read: (_, c) => c.value<number>('a') }),
    });
    expect(() => cyclic.read({})).toThrow("acme/cycle: option 'a' is read in a cycle");
  });

  test('custom fields read given values of other options and keep their stated default', () => {
    const schema = defineOptions('acme/y', {
      n: option.integer({ default: 2, min: 2 }),
      list: option.custom({
        read: (value, c) => (value === undefined ? [c.given('n') ?? 'none'] : [value]),
        default: 'one entry',
      }),
    });
    expect(schema.read({})).toEqual({ n: 2, list: ['none'] });
    expect(schema.read({ n: 3, list: 'x' })).toEqual({ n: 3, list: ['x'] });
    expect(() => schema.read({ n: 1 })).toThrow("acme/y: option 'n' must be an integer >= 2, got 1");
    expect(schema.fields.list.defaultText).toBe('one entry');
  });

  test('defaults are written as the TSDoc states them', () => {
    expect(SCHEMA.fields.layers.defaultText).toBe('12');
    expect(SCHEMA.fields.hidden.defaultText).toBe('[64, 64]');
    expect(SCHEMA.fields.kind.defaultText).toBe('`a`');
    expect(SCHEMA.fields.contextShape.defaultText).toBe('none');
    expect(SCHEMA.fields.seed.defaultText).toBeUndefined();
    expect(SCHEMA.fields.mixing.defaultText).toBeUndefined();
    expect(SCHEMA.fields.eventShape.defaultText).toBeUndefined();
    expect([1e-3, 1e-5, 0.01, 0.1, 0, 2, true].map(defaultText)).toEqual([
      '1e-3',
      '1e-5',
      '0.01',
      '0.1',
      '0',
      '2',
      'true',
    ]);
  });
});

describe('option inputs', () => {
  test('plain kinds describe their input (type, bounds, choices, default) for forms', () => {
    const f = SCHEMA.fields;
    expect(f.layers.input).toEqual({ type: 'integer', min: 1, default: 12 });
    expect(f.bound.input).toEqual({ type: 'number', above: 0, default: 3 });
    expect(f.kind.input).toEqual({ type: 'choice', values: ['a', 'b'], default: 'a' });
    expect(f.mixing.input).toEqual({ type: 'choice', values: ['p', 'q', 'r'] });
    expect(f.parity.input).toEqual({ type: 'choice', values: [0, 1], default: 0 });
    expect(f.hidden.input).toEqual({ type: 'integers', default: [64, 64] });
    expect(f.drawn.input).toEqual({ type: 'boolean', default: true });
    expect(option.integer({ min: 0 }).input).toEqual({ type: 'integer', min: 0 });
    expect(option.optional(option.number({ default: 1, atMost: 2 })).input).toEqual({
      type: 'number',
      atMost: 2,
    });
  });

  test('shapes, seeds and per-element values have no plain input', () => {
    const f = SCHEMA.fields;
    for (const key of ['eventShape', 'shift', 'contextShape', 'seed'] as const)
      expect(f[key].input).toBeUndefined();
  });
});
