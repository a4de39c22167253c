import * as tf from '@tensorflow/tfjs-core';
import { expect, test } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { Chain } from './bijectors/chain.js';
import { Scale } from './bijectors/scale.js';
import { Shift } from './bijectors/shift.js';
import { StandardNormal } from './distributions/index.js';
import { OptionError } from './errors.js';
import { Flow } from './flow.js';
import { flowLinks, flowStages } from './stages.js';

const close = (t: tf.Tensor, want: number[]): void =>
  Array.from(t.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 4));

const flow = (): Flow =>
  new Flow(
    new StandardNormal({ eventShape: [2] }),
    new Chain([
      new Scale({ eventShape: [2], scale: [2, 4] }),
      new Chain([new Shift({ eventShape: [2], shift: [1, -1] }), new Scale({ eventShape: [2], scale: 0.5 })]),
    ]),
  );

test('flowLinks opens nested chains, base to data', () => {
  const f = flow();
  expect(flowLinks(f.bijector).map((b) => b.name)).toEqual(['scale', 'shift', 'scale']);
  f.dispose();
});

test('the inverse direction pushes data to the base one link at a time and ends at f^{-1}(x)', () => {
  const f = flow();
  const x = tf.tensor2d([
    [3, 5],
    [0, 1],
  ]);
  const { states, links } = flowStages(f, x);
  expect(links).toEqual(['scale', 'shift', 'scale']);
  expect(states).toHaveLength(4);
  close(states[0]!, [3, 5, 0, 1]);
  close(states[1]!, [6, 10, 0, 2]);
  close(states[2]!, [5, 11, -1, 3]);
  const end = f.bijector.inverse(x);
  close(states[3]!, Array.from(end.dataSync()));
  close(end, [2.5, 2.75, -0.5, 0.75]);
  tf.dispose([...states, x, end]);
  f.dispose();
});

test('the forward direction pulls base points to the data; it leaks nothing and a bad direction is one clear error', () => {
  const f = flow();
  const z = tf.tensor2d([[1, 1]]);
  const before = tf.memory().numTensors;
  const { states, links } = flowStages(f.bijector, z, { direction: 'forward' });
  expect(links).toEqual(['scale', 'shift', 'scale']);
  close(states[3]!, [1.5, 1.5]);
  tf.dispose(states);
  expect(tf.memory().numTensors).toBe(before);
  expect(() => flowStages(f, z, { direction: 'sideways' as never })).toThrow(OptionError);
  expect(() => flowStages(f, z, { direction: 'sideways' as never })).toThrow(
    "flowStages: direction must be 'inverse' or 'forward', got sideways",
  );
  tf.dispose(z);
  f.dispose();
});
