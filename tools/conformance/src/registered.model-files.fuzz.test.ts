// Fuzzes the options of every registered bijector through model files (issue #13): each
// registration's example flow is saved, its options are edited (hostile values, near-miss values,
// removed and unknown keys, prototype keys, nesting), and loading must give a finite flow or a
// typed error naming the file, quickly and without leaking tensors. Fixed seed.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as fc from 'fast-check';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Flow, listRegistered, StandardNormal } from '@bijective/core';
import { loadFlowFromDirectory } from '@bijective/core/node';
import {
  applyJsonEdits,
  assertFuzz,
  checkLoadOutcome,
  hostileJson,
  jsonEdits,
  jsonText,
  OutcomeTally,
  registeredFactory,
  saveToMemory,
  type JsonEdit,
  type SavedModel,
} from '@bijective/testing';

// First-party packages that register bijectors: one import line each.
import '@bijective/core';
import '@bijective/autoregressive';
import '@bijective/coupling';
import '@bijective/glow';
import '@bijective/flow-matching';
import '@bijective/spline';

/** Cases per registered bijector. */
const RUNS_PER_BIJECTOR = 48;
/** Event size of the saved example flows. */
const EVENT_SIZE = 4;

let dir = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = path.join(await mkdtemp(path.join(tmpdir(), 'bijective-fuzz-registered-')), 'model');
});
afterAll(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

/** A value near `value`: the kind of edit that keeps an option plausible (sizes off by one, flipped signs, ...). */
function nearMiss(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === 'number') {
    return fc.constantFrom(
      value + 1,
      value - 1,
      -value,
      2 * value,
      value / 2,
      0,
      value * 1e6,
      Math.round(value) + 0.5,
    );
  }
  if (Array.isArray(value) && value.length > 0) {
    return fc.oneof(
      fc.constant(value.slice(1)),
      fc.constant([...value, value[0]]),
      fc
        .nat({ max: value.length - 1 })
        .chain((i) => nearMiss(value[i]).map((v) => value.map((x, j) => (j === i ? v : x)))),
    );
  }
  if (typeof value === 'string') return fc.constantFrom(`${value}x`, value.toUpperCase(), '', 'constructor');
  if (typeof value === 'boolean') return fc.constant(!value);
  return hostileJson();
}

/** One edit of a component's options: a near-miss value for one of its keys, or hostile edits anywhere. */
type OptionEdit = { key: string; value: unknown } | { edits: JsonEdit[] };

/** Edits of one component's options: near-miss values of its own keys, or arbitrary hostile edits. */
function optionEdits(options: Record<string, unknown>): fc.Arbitrary<OptionEdit> {
  const keys = Object.keys(options);
  const hostile = jsonEdits(2).map((edits): OptionEdit => ({ edits }));
  if (keys.length === 0) return hostile;
  const nearMissEdit = fc
    .constantFrom(...keys)
    .chain((key) => nearMiss(options[key]).map((value): OptionEdit => ({ key, value })));
  return fc.oneof(nearMissEdit, hostile);
}

/** `options` with `edit` applied. */
function applyOptionEdit(options: Record<string, unknown>, edit: OptionEdit): unknown {
  return 'edits' in edit ? applyJsonEdits(options, edit.edits) : { ...options, [edit.key]: edit.value };
}

const names = listRegistered('bijector').map((l) => l.name);

describe('model-file fuzzing of every registered bijector (fixed seed)', () => {
  test('bijectors are registered', () => {
    expect(names.length).toBeGreaterThan(10);
  });

  test.each(names)(
    `%s: ${RUNS_PER_BIJECTOR} edited option sets load or are refused clearly`,
    async (name) => {
      const bijector0 = registeredFactory(name)(EVENT_SIZE);
      const flow = new Flow(new StandardNormal({ eventShape: [...bijector0.eventShape] }), bijector0);
      let saved: SavedModel;
      try {
        saved = await saveToMemory(flow);
      } finally {
        flow.dispose();
      }
      const bijector = (saved.modelJson.flow as { bijector: { options: Record<string, unknown> } }).bijector;
      const tally = new OutcomeTally();
      await assertFuzz(
        fc.asyncProperty(optionEdits(bijector.options), async (edit) => {
          const doc = structuredClone(saved.modelJson) as { flow: { bijector: { options: unknown } } };
          doc.flow.bijector.options = applyOptionEdit(structuredClone(bijector.options), edit);
          await rm(dir, { recursive: true, force: true });
          await mkdir(dir, { recursive: true });
          await writeFile(path.join(dir, 'model.json'), jsonText(doc));
          await writeFile(path.join(dir, 'weights.bin'), saved.weights);
          tally.add(await checkLoadOutcome(() => loadFlowFromDirectory(dir), { names: dir }));
        }),
        { numRuns: RUNS_PER_BIJECTOR },
      );
      console.info(`${name}: ${tally}`);
    },
    120_000,
  );
});
