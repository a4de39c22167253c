// Fuzzing of the model metadata that `train --target` writes and `plot` reads back (`target`,
// `targetOptions`, `plugins`): any edit of a genuine metadata object, and hostile values in those
// fields, must give a target config, null (a data model), or one usage or registry/option error
// naming the problem; a config that the registry accepts builds a target that frees itself.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { BijectiveError, type JsonObject } from '@bijective/core';
import '@bijective/planar/node';
import { MODEL_FUZZ_SEED, applyJsonEdits, hostileJson, jsonEdits } from '@bijective/testing';
import { openRecordedTarget, recordedPluginList, recordedTarget } from './model-target.js';
import { UsageError } from './usage-error.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const dir = mkdtempSync(join(tmpdir(), 'bijective-target-fuzz-'));
const csv = join(dir, 'labelled.csv');
writeFileSync(csv, 'a,label\n0.5,1\n-1,0\n2,1\n0,0\n');

/** Metadata as `train --target` writes it, for a few targets (a CSV-reading one included). */
const GENUINE: JsonObject[] = [
  { flow: 'planar', target: 'u1', targetOptions: {}, dims: 2, plugins: [] },
  { flow: 'iaf', target: 'funnel', targetOptions: { dimension: 3, scale: 3 }, dims: 3, plugins: [] },
  {
    flow: 'radial',
    target: 'logistic-regression',
    targetOptions: { data: csv, labelColumn: 'label', priorScale: 1, intercept: true, standardize: true },
    dims: 2,
    plugins: [{ module: './acme.mjs', url: 'file:///acme.mjs', registers: ['target:acme/annulus'] }],
  },
];

/** Reads the target of `metadata` and builds it; what happened, or the unexpected error. */
function outcome(metadata: unknown): 'data model' | 'built' | 'refused' {
  const m = (
    typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
      ? metadata
      : { target: metadata }
  ) as JsonObject;
  const plugins = recordedPluginList(m);
  for (const p of plugins) expect(typeof p.module).toBe('string');
  const before = tf.memory().numTensors;
  try {
    const config = recordedTarget(m);
    if (config === null) return 'data model';
    const target = openRecordedTarget(config, plugins);
    expect(target.eventShape.length).toBeGreaterThan(0);
    target.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return 'built';
  } catch (e) {
    // A typed error with a one-line-able message; never a TypeError from reading a malformed field.
    if (!(e instanceof UsageError || e instanceof BijectiveError)) throw e;
    expect(e.message.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    return 'refused';
  }
}

describe('model metadata with a target', () => {
  test('the genuine metadata rebuild their targets; data models have none', () => {
    for (const m of GENUINE) expect(outcome(m)).toBe('built');
    expect(outcome({ flow: 'realnvp', data: 'moons' })).toBe('data model');
    expect(() => recordedTarget({ target: 'u1', targetOptions: [1] })).toThrow(
      /'targetOptions' must be a JSON object/,
    );
    expect(() => recordedTarget({ target: 7 })).toThrow(/'target' must be a target's registry name, got 7/);
    expect(() =>
      openRecordedTarget({ name: 'acme/annulus', options: {} }, recordedPluginList(GENUINE[2]!)),
    ).toThrow(/comes from the plugin '\.\/acme\.mjs'.*--plugin \.\/acme\.mjs/);
  });

  test('edited metadata is read or refused with a typed error', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom(...GENUINE), jsonEdits(3), (m, edits) => {
        seen.add(outcome(applyJsonEdits(m, edits)));
      }),
      { seed: MODEL_FUZZ_SEED, numRuns: 400 },
    );
    expect(seen).toEqual(new Set(['built', 'refused', 'data model']));
  });

  test('hostile values in target, targetOptions and plugins are refused or ignored, never a crash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...GENUINE),
        fc.constantFrom('target', 'targetOptions', 'plugins'),
        hostileJson(),
        (m, field, value) => {
          const edited: Record<string, unknown> = { ...m };
          Object.defineProperty(edited, field, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          outcome(edited);
        },
      ),
      { seed: MODEL_FUZZ_SEED, numRuns: 300 },
    );
  });
});
