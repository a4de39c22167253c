// Checkpoint files: a state round-trips exactly, with the seconds a budget run had spent (so
// `--resume` continues its schedule and budget); checkpoints without the field still read (0 s).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FitState } from '@bijective/train';
import { describe, expect, test } from 'vitest';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { UsageError } from './usage-error.js';

function state(seconds?: number): FitState {
  return {
    step: 7,
    weights: [new Float32Array([1, 2, 3]), new Float32Array([4])],
    optimiser: {
      t: 7,
      moments: [{ m: new Float32Array([0.1, 0.2, 0.3]), v: new Float32Array([1, 1, 1]) }, null],
    },
    sampler: { epoch: 1, position: 3 },
    best: { nll: 1.25, step: 5, weights: [new Float32Array([9, 8, 7]), new Float32Array([6])] },
    sinceImprovement: 1,
    finalLoss: 1.5,
    ...(seconds !== undefined ? { seconds } : {}),
  };
}

const history = [{ step: 7, trainLoss: 1.5, valNll: null, lr: 0.001 }];

describe('checkpoint files', () => {
  test('round-trip the state with the seconds spent', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bijective-checkpoint-')), 'run.checkpoint');
    writeCheckpoint(dir, { argv: ['--flow', 'realnvp', '--max-seconds', '60'], state: state(12.5), history });
    const json = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    expect(json.seconds).toBe(12.5);
    const read = readCheckpoint(dir);
    expect(read.state).toEqual(state(12.5));
    expect(read.argv).toEqual(['--flow', 'realnvp', '--max-seconds', '60']);
    expect(read.history).toEqual(history);
  });

  test('a checkpoint without seconds (older files) reads as 0 spent; a bad value is a usage error', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bijective-checkpoint-')), 'old.checkpoint');
    writeCheckpoint(dir, { argv: [], state: state(), history });
    const file = join(dir, 'checkpoint.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(json.seconds).toBe(0);
    delete json.seconds;
    writeFileSync(file, JSON.stringify(json));
    expect(readCheckpoint(dir).state.seconds).toBe(0);
    for (const bad of [-1, 'soon', null]) {
      writeFileSync(file, JSON.stringify({ ...json, seconds: bad }));
      expect(() => readCheckpoint(dir)).toThrow(UsageError);
      expect(() => readCheckpoint(dir)).toThrow(/bad seconds/);
    }
  });
});
