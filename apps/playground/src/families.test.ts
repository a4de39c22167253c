import * as tf from '@tensorflow/tfjs-core';
import { expect, test } from 'vitest';
import { Flow, createByName, useBackend } from '@bijective/core';
import type { GenerativeDataset } from '@bijective/datasets';
import { create } from '@bijective/core';
import { fitAsync } from '@bijective/train';
import './families.js';
import '@bijective/backend-cpu';
import { DATASETS } from './protocol.js';
import { optionParam, readUrl } from './params.js';
import { describeBases, describeFamilies, flowOptions } from './registry-info.js';
import { solvesOde } from './solves-ode.js';

const families = describeFamilies();
const bases = describeBases();
/** Small settings, where a family has the option, so that every family trains in the test quickly. */
const SMALL: Record<string, string> = {
  layers: '2',
  hidden: '8,8',
  rtol: '1e-3',
  atol: '1e-3',
  stepsPerLevel: '1',
};

test('the page offers every registered flow family, glow marked as needing images', () => {
  const names = families.map((f) => f.name);
  for (const name of [
    'realnvp',
    'nice',
    'maf',
    'iaf',
    'nsf',
    'planar',
    'radial',
    'ffjord',
    'flow-matching',
    'glow',
  ])
    expect(names).toContain(name);
  expect(families.find((f) => f.name === 'glow')?.unavailable).toMatch(/needs image data/);
  expect(families.filter((f) => f.unavailable).map((f) => f.name)).toEqual(['glow']);
  expect(bases.map((b) => b.name)).toEqual(expect.arrayContaining(['standard-normal', 'gaussian-mixture']));
  // A mixture of whole flows (an ensemble) is not a base to train a flow on.
  expect(bases.map((b) => b.name)).not.toContain('flow-mixture');
});

test("a family's form comes from its option schema: inputs, defaults and choices", () => {
  const nsf = families.find((f) => f.name === 'nsf');
  const keys = nsf?.options.map((o) => o.key);
  expect(keys).toEqual(
    expect.arrayContaining(['hidden', 'bins', 'bound', 'activation', 'layers', 'transform']),
  );
  expect(keys).not.toContain('eventShape');
  expect(keys).not.toContain('seed');
  expect(nsf?.options.find((o) => o.key === 'bins')?.input).toMatchObject({ type: 'integer', default: 8 });
  expect(nsf?.options.find((o) => o.key === 'hidden')?.input).toEqual({
    type: 'integers',
    default: [64, 64],
  });
  const planar = families.find((f) => f.name === 'planar');
  expect(planar?.options.find((o) => o.key === 'layers')?.input).toEqual({
    type: 'integer',
    min: 1,
    default: 32,
  });
  expect(families.every((f) => f.hasSchema)).toBe(true);
  const ffjord = families.find((f) => f.name === 'ffjord');
  expect(ffjord?.options.find((o) => o.key === 'solver')?.input).toEqual({ type: 'text', default: 'dopri5' });
  const flowMatching = families.find((f) => f.name === 'flow-matching');
  expect(flowMatching?.options.find((o) => o.key === 'steps')?.input).toEqual({ type: 'number', default: 8 });
  expect(flowOptions(nsf!, { bins: '12', hidden: '32, 16', activation: 'tanh', bound: '' })).toEqual({
    bins: 12,
    hidden: [32, 16],
    activation: 'tanh',
  });
  expect(() => flowOptions(nsf!, { hidden: '32,x' })).toThrow(
    "nsf option hidden: expected positive integers separated by commas, got '32,x'",
  );
  expect(() => flowOptions(nsf!, { activation: 'relu6' })).toThrow('nsf option activation: expected one of');
});

test.each(families.filter((f) => !f.unavailable).map((f) => f.name))(
  'the page builds %s from its form values and trains it on 2-D data',
  async (name) => {
    await useBackend('cpu');
    const family = families.find((f) => f.name === name)!;
    const options = { ...flowOptions(family, SMALL), eventShape: [2], seed: 1 };
    const bijector = createByName('bijector', name, options);
    const flow = new Flow(
      createByName('distribution', 'standard-normal', { eventShape: [...bijector.eventShape] }),
      bijector,
    );
    const data = tf.tensor2d((create('dataset', 'moons', {}) as GenerativeDataset).sample(128, 0), [128, 2]);
    const result = await fitAsync(flow, data, { steps: 3, batchSize: 64, validationFraction: 0 });
    expect(Number.isFinite(result.finalLoss)).toBe(true);
    // ODE flows are evaluated on fewer rows; the others on the CLI's.
    expect(solvesOde(flow, data)).toBe(name === 'ffjord' || name === 'flow-matching');
    flow.dispose();
    data.dispose();
  },
  60_000,
);

test.each(DATASETS)('the page offers %s, a generative 2-D toy', (name) => {
  const dataset = create('dataset', name as 'moons', {}) as GenerativeDataset;
  expect(dataset.kind).toBe('generative');
  expect(dataset.sample(3, 0)).toHaveLength(6);
});

test('URL settings: known names, numbers and the flow options of its schema pass; anything else is one clear error', () => {
  expect(
    readUrl(
      '?flow=nsf&data=moons&steps=300&backend=wasm&bins=12&hidden=32,32&autostart=1',
      families,
      bases,
      'realnvp',
    ),
  ).toEqual({
    fields: { flow: 'nsf', data: 'moons', backend: 'wasm', steps: '300' },
    options: { bins: '12', hidden: '32,32' },
    autostart: true,
  });
  // flow matching's ODE steps share a name with the page's training steps: `flow.steps`.
  expect(optionParam('steps')).toBe('flow.steps');
  expect(readUrl('?flow=flow-matching&steps=50&flow.steps=4', families, bases, 'realnvp').options).toEqual({
    steps: '4',
  });
  expect(readUrl('?base=gaussian-mixture', families, bases, 'realnvp').fields).toEqual({
    base: 'gaussian-mixture',
  });
  expect(readUrl('', families, bases, 'realnvp').autostart).toBe(false);
  expect(() => readUrl('?flow=glowy', families, bases, 'realnvp')).toThrow(
    /^URL parameter flow=glowy: expected one of .*realnvp/,
  );
  expect(() => readUrl('?flow=glow', families, bases, 'realnvp')).toThrow(
    'URL parameter flow=glow: needs image data',
  );
  expect(() => readUrl('?base=uniform', families, bases, 'realnvp')).toThrow(
    'URL parameter base=uniform: expected one of',
  );
  expect(() => readUrl('?steps=-3', families, bases, 'realnvp')).toThrow(
    'URL parameter steps=-3: expected a non-negative number',
  );
});
