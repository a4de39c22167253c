import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { create, createByName, listRegistered, OptionError, RegistryError } from '@bijective/core';
import './index.js';
import type { Dataset, GenerativeDataset } from './dataset.js';
import { fixedDataset } from './fixed-dataset.js';

const TOY_NAMES = [
  '2spirals',
  '8gaussians',
  'checkerboard',
  'circles',
  'moons',
  'pinwheel',
  'rings',
  'swissroll',
];

describe('the main entry', () => {
  it('imports nothing Node-only (fs and zlib stay in src/node, the ./node entry)', () => {
    const src = fileURLToPath(new URL('.', import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.includes('.test') && !f.startsWith('node'),
    );
    expect(files).toContain('index.ts');
    for (const f of files) {
      expect(readFileSync(join(src, f), 'utf8'), f).not.toMatch(/from '(node:|fs'|zlib'|path')/);
    }
  });
});

describe('dataset registry', () => {
  it('registers every CLI toy name with a description', () => {
    const listed = listRegistered('dataset', 'toy');
    expect(listed.map((l) => l.name)).toEqual(TOY_NAMES);
    for (const l of listed) expect(l.description.length).toBeGreaterThan(10);
  });

  it('createByName gives a generative dataset whose splits are train / validation / fresh test rows', () => {
    const ds = createByName('dataset', 'moons', {});
    expect(ds.kind).toBe('generative');
    const { train, validation, test } = ds.splits({ size: 1000, testSize: 500, seed: 1 });
    expect([train.rows, validation?.rows, test?.rows]).toEqual([900, 100, 500]);
    expect(train.columns).toEqual(['x0', 'x1']);
    expect((ds as GenerativeDataset).entropy).toBeCloseTo(1.0076, 4);
    const typed: Dataset = create('dataset', '8gaussians', { noise: 0.5 });
    expect(typed.eventShape).toEqual([2]);
  });

  it('unknown names and options fail with clear errors', () => {
    expect(() => createByName('dataset', 'mooons', {})).toThrow(RegistryError);
    expect(() => createByName('dataset', 'mooons', {})).toThrow(/unknown dataset 'mooons'; known: .*moons/);
    expect(() => createByName('dataset', 'moons', { noise: 'big' })).toThrow(OptionError);
    expect(() => createByName('dataset', 'checkerboard', 3)).toThrow(/options must be an object/);
  });

  it('fixed datasets load lazily and split their rows', () => {
    let loads = 0;
    const ds = fixedDataset({
      name: 'mine',
      description: 'ten rows',
      eventShape: [1],
      rows: () => {
        loads++;
        return { data: Float32Array.from({ length: 10 }, (_, i) => i), rows: 10, cols: 1 };
      },
      test: () => {
        loads += 100;
        return { data: Float32Array.from([1]), rows: 1, cols: 1 };
      },
    });
    expect(loads).toBe(0);
    expect(ds.kind).toBe('fixed');
    expect(ds.rows.rows).toBe(10);
    expect(ds.rows.rows).toBe(10);
    expect(loads).toBe(1);
    const s = ds.splits({ validationFraction: 0.2 });
    expect([s.train.rows, s.validation?.rows, s.test?.rows]).toEqual([8, 2, 1]);
    expect(loads).toBe(101);
  });
});
