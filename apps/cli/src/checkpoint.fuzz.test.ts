// Fuzzing of `checkpoint.json`, which `train --resume` reads back: any edit of a genuine checkpoint
// (the `seconds` of a time-budget run included) and hostile values in its fields must give a
// checkpoint whose fields have their types, or one usage error naming the file, never a crash.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MODEL_FUZZ_SEED, applyJsonEdits, hostileJson, jsonEdits, jsonText } from '@bijective/testing';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { UsageError } from './usage-error.js';

const dir = join(mkdtempSync(join(tmpdir(), 'bijective-checkpoint-fuzz-')), 'run.checkpoint');
writeCheckpoint(dir, {
  argv: ['--flow', 'realnvp', '--data', 'moons', '--max-seconds', '60'],
  state: {
    step: 12,
    weights: [new Float32Array([1, 2, 3]), new Float32Array([4, 5])],
    optimiser: { t: 12, moments: [{ m: new Float32Array(3), v: new Float32Array(3).fill(1) }, null] },
    sampler: { epoch: 0, position: 12 },
    best: { nll: 1.3, step: 10, weights: [new Float32Array([1, 1, 1]), new Float32Array([2, 2])] },
    sinceImprovement: 0,
    finalLoss: 1.4,
    seconds: 21.5,
  },
  history: [{ step: 12, trainLoss: 1.4, valNll: 1.3, lr: 0.002 }],
});
const file = join(dir, 'checkpoint.json');
const GENUINE = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** Writes `doc` as the checkpoint's JSON and reads the checkpoint: read, or refused with a usage error. */
function outcome(doc: unknown): 'read' | 'refused' {
  writeFileSync(file, jsonText(doc));
  try {
    const { state, argv } = readCheckpoint(dir);
    expect(argv.every((a) => typeof a === 'string')).toBe(true);
    expect(Number.isInteger(state.step) && state.step >= 0).toBe(true);
    expect(Number.isFinite(state.seconds) && (state.seconds as number) >= 0).toBe(true);
    for (const w of state.weights) expect(w).toBeInstanceOf(Float32Array);
    return 'read';
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    expect(e.message).toMatch(/^checkpoint '.*' is unusable: /);
    return 'refused';
  }
}

describe('checkpoint.json', () => {
  test('the genuine file reads with its seconds; without them as 0 s spent', () => {
    expect(outcome(GENUINE)).toBe('read');
    expect(readCheckpoint(dir).state.seconds).toBe(21.5);
    const { seconds: _, ...old } = GENUINE;
    expect(outcome(old)).toBe('read');
    expect(readCheckpoint(dir).state.seconds).toBe(0);
    for (const root of [null, 3, 'x', [], [GENUINE]]) expect(outcome(root)).toBe('refused');
  });

  test('edited files are read or refused with a usage error', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(jsonEdits(3), (edits) => {
        seen.add(outcome(applyJsonEdits(GENUINE, edits)));
      }),
      { seed: MODEL_FUZZ_SEED, numRuns: 300 },
    );
    expect(seen).toEqual(new Set(['read', 'refused']));
  });

  test('hostile values in each field are refused or ignored, never a crash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(GENUINE)), hostileJson(), (field, value) => {
        const edited: Record<string, unknown> = { ...GENUINE };
        Object.defineProperty(edited, field, { value, enumerable: true, writable: true, configurable: true });
        outcome(edited);
      }),
      { seed: MODEL_FUZZ_SEED, numRuns: 300 },
    );
  });
});
