// Every model-file limit of LIMITS, at the limit (accepted by that check) and one past it (refused
// with a ModelFileError naming the limit). Where reaching a limit would take gigabytes (the build
// budget), the same check runs with a smaller budget.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BaseBijector, type BijectorConfig, type ValueAndLogDet } from '../bijector.js';
import '../index.js';
import type { FlowConfig } from '../flow.js';
import { LIMITS } from '../limits.js';
import { register, unregister } from '../registry.js';
import { checkFlowConfigLimits } from './config-limits.js';
import { walkJson } from './json-limits.js';
import { loadFlowFromDirectory } from './node-files.js';
import { rebuildFlow } from './rebuild.js';
import { checkWeightLimits } from './weights.js';

/** Runs `check` and returns its error message, or 'accepted'. */
function outcome(check: () => unknown): string {
  try {
    check();
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
}

const component = (name: string, options: object) => ({ name, options });
const flowWith = (bijector: object, base = component('standard-normal', { eventShape: [2] })) => ({
  base,
  bijector,
});
const configCheck = (bijector: object) => () => checkFlowConfigLimits(flowWith(bijector), 'model.json');

function nestedArray(depth: number): unknown[] {
  let v: unknown[] = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

describe('model-file limits: at the limit and one past it', () => {
  test(`maxJsonDepth: ${LIMITS.maxJsonDepth} nested arrays pass, one more is refused`, () => {
    expect(outcome(() => walkJson(nestedArray(LIMITS.maxJsonDepth), 'x', 'f'))).toBe('accepted');
    expect(outcome(() => walkJson(nestedArray(LIMITS.maxJsonDepth + 1), 'x', 'f'))).toMatch(
      /^f: nests arrays and objects more than 64 levels deep \(LIMITS\.maxJsonDepth\) at x\[0\]\[0\]/,
    );
  });

  test(`maxJsonValues: ${LIMITS.maxJsonValues} values pass, one more is refused`, () => {
    const values = new Array<number>(LIMITS.maxJsonValues - 1).fill(0); // and the array itself
    expect(outcome(() => walkJson(values, 'x', 'f'))).toBe('accepted');
    values.push(0);
    expect(outcome(() => walkJson(values, 'x', 'f'))).toMatch(
      /^f: holds more than 4194304 JSON values \(LIMITS\.maxJsonValues\); refused at x \(4194304 entries\)/,
    );
  });

  test(`maxBijectorDepth: configs nested ${LIMITS.maxBijectorDepth} deep pass, ${LIMITS.maxBijectorDepth + 1} are refused`, () => {
    const nest = (depth: number) => {
      let c: object = component('exp', { eventShape: [2] });
      for (let i = 1; i < depth; i++) c = component('chain', { bijectors: [c] });
      return c;
    };
    expect(outcome(configCheck(nest(LIMITS.maxBijectorDepth)))).toBe('accepted');
    expect(outcome(configCheck(nest(LIMITS.maxBijectorDepth + 1)))).toMatch(
      /^model\.json: nests bijector configs more than 16 deep \(LIMITS\.maxBijectorDepth\) at flow\.bijector\.options\.bijectors\[0\].*….*\.bijectors\[0\]$/,
    );
  });

  test(`maxBijectors: ${LIMITS.maxBijectors} configs (base included) pass, one more is refused`, () => {
    const chain = (links: number) =>
      component('chain', {
        bijectors: Array.from({ length: links }, () => component('exp', { eventShape: [2] })),
      });
    expect(outcome(configCheck(chain(LIMITS.maxBijectors - 2)))).toBe('accepted');
    expect(outcome(configCheck(chain(LIMITS.maxBijectors - 1)))).toMatch(
      /more than 1024 bijector and distribution configs \(LIMITS\.maxBijectors\); refused at flow\.bijector\.options\.bijectors\[1022\]/,
    );
  });

  test(`maxEventSize (${LIMITS.maxEventSize}) and maxVectorSize (${LIMITS.maxVectorSize})`, () => {
    expect(outcome(configCheck(component('exp', { eventShape: [256, 256] })))).toBe('accepted');
    expect(outcome(configCheck(component('exp', { eventShape: [256, 257] })))).toMatch(
      /flow\.bijector \('exp'\): option 'eventShape' \[256, 257\] holds 65792 scalars; model files allow at most 65536 \(LIMITS\.maxEventSize\)/,
    );
    expect(outcome(configCheck(component('x', { eventShape: [2], contextShape: [65_537] })))).toMatch(
      /option 'contextShape' \[65537\] holds 65537 scalars/,
    );
    expect(outcome(configCheck(component('exp', { eventShape: [4096] })))).toBe('accepted');
    expect(outcome(configCheck(component('exp', { eventShape: [4097] })))).toMatch(
      /option 'eventShape' \[4097\] is a vector of 4097 scalars; model files allow at most 4096 \(LIMITS\.maxVectorSize\)/,
    );
  });

  test(`maxHiddenWidth (${LIMITS.maxHiddenWidth}), maxHiddenLayers (${LIMITS.maxHiddenLayers}), maxLayers (${LIMITS.maxLayers}), maxBins (${LIMITS.maxBins}), maxComponents (${LIMITS.maxComponents})`, () => {
    const x = (options: object) => configCheck(component('x', { eventShape: [2], ...options }));
    const cases: [object, object, RegExp][] = [
      [
        { hidden: [4096] },
        { hidden: [4097] },
        /option 'hidden' has a layer of width 4097; .* at most 4096 \(LIMITS\.maxHiddenWidth\)/,
      ],
      [
        { hidden: new Array(16).fill(8) },
        { hidden: new Array(17).fill(8) },
        /option 'hidden' lists 17 layers; .* at most 16 \(LIMITS\.maxHiddenLayers\)/,
      ],
      [
        { layers: 256 },
        { layers: 257 },
        /option 'layers' is 257; model files allow at most 256 \(LIMITS\.maxLayers\)/,
      ],
      [{ bins: 1024 }, { bins: 1025 }, /option 'bins' is 1025; .* at most 1024 \(LIMITS\.maxBins\)/],
      [
        { components: 1024 },
        { components: 1025 },
        /option 'components' is 1025; .* at most 1024 \(LIMITS\.maxComponents\)/,
      ],
    ];
    for (const [at, past, message] of cases) {
      expect(outcome(x(at))).toBe('accepted');
      expect(outcome(x(past))).toMatch(message);
    }
  });

  test(`maxParameters (${LIMITS.maxParameters}): the estimate from the config and the weights manifest`, () => {
    // layers × (d/2 · h + h · d/2) = 16 × 4096 · 1024 = 2^26 for d = 4096, h = 1024.
    const estimate = (h: number) =>
      configCheck(component('x', { eventShape: [4096], hidden: [h], layers: 16 }));
    expect(outcome(estimate(1024))).toBe('accepted');
    expect(outcome(estimate(1025))).toMatch(
      /the flow config asks for at least 67174400 parameters by flow\.bijector .*at most 67108864 \(LIMITS\.maxParameters\)/,
    );
    const specs = (n: number, dtype = 'float32') =>
      [{ name: 'v000', shape: [n], dtype }] as tf.io.WeightsManifestEntry[];
    expect(outcome(() => checkWeightLimits(specs(LIMITS.maxParameters), 'f'))).toBe('accepted');
    expect(outcome(() => checkWeightLimits(specs(LIMITS.maxParameters + 1), 'f'))).toMatch(
      /^f: the weight manifest describes 67108865 parameters; model files allow at most 67108864 \(LIMITS\.maxParameters\)/,
    );
  });

  test(`maxWeightBytes (${LIMITS.maxWeightBytes}) and maxWeightTensors (${LIMITS.maxWeightTensors})`, () => {
    const complex = (n: number) =>
      [{ name: 'v000', shape: [n], dtype: 'complex64' }] as tf.io.WeightsManifestEntry[];
    expect(outcome(() => checkWeightLimits(complex(LIMITS.maxWeightBytes / 8), 'f'))).toBe('accepted');
    expect(outcome(() => checkWeightLimits(complex(LIMITS.maxWeightBytes / 8 + 1), 'f'))).toMatch(
      /describes 268435464 bytes \(256\.0 MiB\) of weights; model files allow at most 268435456 bytes \(256\.0 MiB\) \(LIMITS\.maxWeightBytes\)/,
    );
    const scalars = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        name: `v${i}`,
        shape: [],
        dtype: 'float32',
      })) as tf.io.WeightsManifestEntry[];
    expect(outcome(() => checkWeightLimits(scalars(LIMITS.maxWeightTensors), 'f'))).toBe('accepted');
    expect(outcome(() => checkWeightLimits(scalars(LIMITS.maxWeightTensors + 1), 'f'))).toMatch(
      /lists 65537 tensors; model files allow at most 65536 \(LIMITS\.maxWeightTensors\)/,
    );
  });
});

describe('maxModelJsonBytes and maxBuildBytes', () => {
  let dir = '';
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(path.join(tmpdir(), 'bijective-limits-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test(`maxModelJsonBytes (${LIMITS.maxModelJsonBytes}): a file that size is read, one byte more is not`, async () => {
    const file = path.join(dir, 'model.json');
    await writeFile(file, '');
    await truncate(file, LIMITS.maxModelJsonBytes); // sparse: zero bytes, not JSON
    const at = await loadFlowFromDirectory(dir).catch((e: Error) => e.message);
    expect(at).toMatch(/model\.json: invalid JSON/);
    await truncate(file, LIMITS.maxModelJsonBytes + 1);
    const past = await loadFlowFromDirectory(dir).catch((e: Error) => e.message);
    expect(past).toMatch(
      /model\.json: is 67108865 bytes \(64\.0 MiB\); at most 67108864 bytes \(64\.0 MiB\) are read here/,
    );
  });

  /** Allocates `bytes` of tensor memory (one float32 variable) when built. */
  class Allocating extends BaseBijector {
    readonly name = 'test/allocating';
    readonly v: tf.Variable;
    constructor(readonly bytes: number) {
      super({ eventShape: [2] });
      this.v = tf.tidy(() => tf.variable(tf.zeros([bytes / 4])));
    }
    override get variables(): readonly tf.Variable[] {
      return [this.v];
    }
    getConfig(): BijectorConfig {
      return { name: this.name, options: { bytes: this.bytes } };
    }
    protected computeForward(x: tf.Tensor): ValueAndLogDet {
      return { value: tf.clone(x), logDet: tf.zeros([x.shape[0] as number]) };
    }
    protected computeInverse(y: tf.Tensor): ValueAndLogDet {
      return this.computeForward(y);
    }
  }

  test('maxBuildBytes: building stops before the next component once the budget is passed', () => {
    register(
      'bijector',
      'test/allocating' as never,
      {
        description: 'test',
        create: (o: { bytes: number }) => new Allocating(o.bytes),
        example: () => ({ bytes: 8 }),
      } as never,
      { replace: true },
    );
    try {
      const budget = 1024;
      const config = (first: number): FlowConfig => ({
        base: component('standard-normal', { eventShape: [2] }) as FlowConfig['base'],
        bijector: component('chain', {
          bijectors: [
            component('test/allocating', { bytes: first }),
            component('test/allocating', { bytes: 8 }),
          ],
        }) as BijectorConfig,
      });
      const before = tf.memory().numTensors;
      const flow = rebuildFlow(config(budget), 'model.json', budget);
      flow.dispose();
      expect(() => rebuildFlow(config(budget + 4), 'model.json', budget)).toThrow(
        /^model\.json: rebuilding the flow from its config took 1028 bytes of tensor memory before bijector 'test\/allocating'; model files may take at most 1024 bytes \(LIMITS\.maxBuildBytes\)/,
      );
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      unregister('bijector', 'test/allocating');
    }
  });
});
