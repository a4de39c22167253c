import { afterEach, describe, expect, test } from 'vitest';
import type { Bijector } from './bijector.js';
import { RegistryError } from './errors.js';
import { createByName, getEntry, isRegistered, listRegistered, register, unregister } from './registry.js';

const dummy = { description: 'test entry', create: () => ({}) as Bijector, example: () => ({}) } as never;

describe('registry', () => {
  afterEach(() => {
    unregister('bijector', 'test/one');
    unregister('bijector', 'test/two');
  });

  test('an unknown name fails with the list of known names', () => {
    register('bijector', 'test/one' as never, dummy);
    expect(() => createByName('bijector', 'test/nope', {})).toThrow(RegistryError);
    expect(() => createByName('bijector', 'test/nope', {})).toThrow(
      /unknown bijector 'test\/nope'; known: .*test\/one/,
    );
  });

  test('a duplicate registration fails unless replacement is asked for', () => {
    register('bijector', 'test/one' as never, dummy);
    expect(() => register('bijector', 'test/one' as never, dummy)).toThrow(/already registered/);
    const replacement = { ...(dummy as object), description: 'replaced' } as never;
    register('bijector', 'test/one' as never, replacement, { replace: true });
    expect(getEntry('bijector', 'test/one').description).toBe('replaced');
  });

  test('bijectors must bring a conformance example', () => {
    expect(() =>
      register('bijector', 'test/two' as never, { description: 'x', create: () => ({}) } as never),
    ).toThrow(/needs an example/);
    expect(isRegistered('bijector', 'test/two')).toBe(false);
  });

  test('recommended settings, the validation cadence included, are kept and checked at registration', () => {
    const recommended = {
      steps: 2000,
      batchSize: 256,
      learningRate: 5e-3,
      validationEvery: 200,
      warmupSteps: 100,
      validationRows: 2000,
    };
    register('bijector', 'test/one' as never, { ...(dummy as object), recommended } as never);
    expect(getEntry('bijector', 'test/one').recommended).toEqual(recommended);
    for (const [key, value] of [
      ['validationEvery', 0],
      ['validationEvery', 12.5],
      ['steps', -1],
      ['batchSize', Number.NaN],
      ['learningRate', 0],
      ['warmupSteps', 2.5],
      ['validationRows', 0],
    ] as const) {
      expect(() =>
        register(
          'bijector',
          'test/two' as never,
          {
            ...(dummy as object),
            recommended: { [key]: value },
          } as never,
        ),
      ).toThrow(new RegExp(`'test/two' recommends ${key} = ${String(value)}; it must be a positive`));
    }
    expect(isRegistered('bijector', 'test/two')).toBe(false);
  });

  test('everything registered can be listed, by kind and tag', () => {
    register('bijector', 'test/one' as never, { ...(dummy as object), tags: ['flow'] } as never);
    register('bijector', 'test/two' as never, dummy);
    const flows = listRegistered('bijector', 'flow').map((l) => l.name);
    expect(flows).toContain('test/one');
    expect(flows).not.toContain('test/two');
    expect(listRegistered().some((l) => l.kind === 'bijector' && l.name === 'test/two')).toBe(true);
  });

  test('the table lives on globalThis so that copies of the package share it', () => {
    register('bijector', 'test/one' as never, dummy);
    const table = (globalThis as Record<symbol, Map<string, Map<string, unknown>>>)[
      Symbol.for('@bijective/registry')
    ];
    expect(table?.get('bijector')?.has('test/one')).toBe(true);
  });
});
