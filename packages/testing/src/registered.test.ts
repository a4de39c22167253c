import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  BaseBijector,
  register,
  sumOverEvent,
  unregister,
  type BijectorConfig,
  type ValueAndLogDet,
} from '@bijective/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConformanceError } from './failure.js';
import { checkRegisteredBijectors, describeRegisteredBijectors } from './registered.js';
import { describeBijectorConformance } from './suite.js';

/** Options of the fixture: the event size and a factor on its forward log-det (1 is correct). */
interface FixtureOptions {
  d: number;
  logDetFactor: number;
}

declare module '@bijective/core' {
  interface BijectorOptionsMap {
    'testing/fixture-doubling': FixtureOptions;
    'testing/fixture-wrong-log-det': FixtureOptions;
  }
}

/** y = 2x + 1 elementwise, log|det J| = d·log 2 (reported times `logDetFactor`). */
class Doubling extends BaseBijector {
  readonly name: string;
  constructor(
    name: string,
    private readonly options: FixtureOptions,
  ) {
    super({ eventShape: [options.d] });
    this.name = name;
  }
  getConfig(): BijectorConfig {
    return { name: this.name, options: { ...this.options } };
  }
  protected computeForward(x: tf.Tensor): ValueAndLogDet {
    const logDet = sumOverEvent(tf.mul(tf.onesLike(x), Math.log(2) * this.options.logDetFactor));
    return { value: tf.add(tf.mul(x, 2), 1), logDet };
  }
  protected computeInverse(y: tf.Tensor): ValueAndLogDet {
    return { value: tf.div(tf.sub(y, 1), 2), logDet: sumOverEvent(tf.mul(tf.onesLike(y), -Math.log(2))) };
  }
}

const GOOD = 'testing/fixture-doubling';
const BAD = 'testing/fixture-wrong-log-det';
const onlyFixtures = { filter: (l: { name: string }) => l.name.startsWith('testing/fixture-') };

beforeAll(async () => {
  await tf.setBackend('cpu');
  register('bijector', GOOD, {
    description: 'test fixture',
    create: (o) => new Doubling(GOOD, o),
    example: (d) => ({ d, logDetFactor: 1 }),
  });
  register('bijector', BAD, {
    description: 'test fixture with a wrong log-det',
    create: (o) => new Doubling(BAD, o),
    example: (d) => ({ d, logDetFactor: 3 }),
  });
});

afterAll(() => {
  unregister('bijector', GOOD);
  unregister('bijector', BAD);
});

/** A registrar that records the test tree instead of running it. */
function recorder(): { names: string[]; registrar: Parameters<typeof describeRegisteredBijectors>[0] } {
  const names: string[] = [];
  const path: string[] = [];
  return {
    names,
    registrar: {
      describe: (name, body) => {
        path.push(name);
        body();
        path.pop();
      },
      test: (name) => {
        names.push([...path, name].join(' > '));
      },
    },
  };
}

describe('checkRegisteredBijectors', () => {
  test('reports exactly the failures of the faulty registration', async () => {
    const error = await checkRegisteredBijectors({
      ...onlyFixtures,
      bijector: { numRuns: 3 },
      flow: { numRuns: 2 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConformanceError);
    const failures = (error as ConformanceError).failures;
    expect(new Set(failures.map((f) => f.subject))).toEqual(
      new Set([`bijector '${BAD}'`, `flow '${BAD} over N(0, I)'`]),
    );
    expect(failures.map((f) => f.check)).toEqual([
      'log-det-numerical',
      'log-det-autodiff',
      'inverse-log-det',
      // The flow's logProb runs the (correct) inverse, its sampleAndLogProb the wrong forward log-det.
      'sample-log-prob',
    ]);
  });

  test('per-name overrides reach the kit', async () => {
    await expect(
      checkRegisteredBijectors({
        filter: (l) => l.name === BAD,
        bijector: { numRuns: 2 },
        flow: false,
        overrides: { [BAD]: { bijector: { checks: ['round-trip', 'fused'] } } },
      }),
    ).resolves.toBeUndefined();
  });

  test('names a backend that is not available', async () => {
    await expect(
      checkRegisteredBijectors({ ...onlyFixtures, backends: ['no-such-backend'] }),
    ).rejects.toThrow(/backend 'no-such-backend' is not active/);
  });
});

describe('describe builders', () => {
  test('describeRegisteredBijectors registers one test per backend, bijector and check', () => {
    const { names, registrar } = recorder();
    describeRegisteredBijectors(registrar, {
      ...onlyFixtures,
      backends: ['cpu', 'wasm'],
      bijector: { checks: ['round-trip', 'leaks'] },
      flow: { checks: ['normalization'] },
      overrides: { [BAD]: { flow: false } },
    });
    expect(names).toEqual([
      `cpu > ${GOOD} > round-trip`,
      `cpu > ${GOOD} > leaks`,
      `cpu > ${GOOD} > flow normalization`,
      `cpu > ${BAD} > round-trip`,
      `cpu > ${BAD} > leaks`,
      `wasm > ${GOOD} > round-trip`,
      `wasm > ${GOOD} > leaks`,
      `wasm > ${GOOD} > flow normalization`,
      `wasm > ${BAD} > round-trip`,
      `wasm > ${BAD} > leaks`,
    ]);
  });

  test('describeBijectorConformance runs each check on its backend', async () => {
    const tests: [string, () => Promise<void>][] = [];
    describeBijectorConformance(
      { describe: (_, body) => body(), test: (name, body) => tests.push([name, body]) },
      BAD,
      (d) => new Doubling(BAD, { d, logDetFactor: 3 }),
      { checks: ['fused', 'inverse-log-det'], numRuns: 2 },
    );
    expect(tests.map(([name]) => name)).toEqual(['inverse-log-det [cpu]', 'fused [cpu]']);
    await expect(tests[1]![1]()).resolves.toBeUndefined();
    await expect(tests[0]![1]()).rejects.toThrow(/failed check 'inverse-log-det' on backend 'cpu'/);
  });
});
