// `--patience`'s default: none on a generated toy (the schedule runs to its end, the best-validation
// weights are kept), 10 passes on data of fixed size; an explicit `--patience` is kept on both.
import { beforeAll, expect, test } from 'vitest';
import { defaultPatience } from './commands/train.js';
import { cliHarness, type CliHarness } from './test-harness.js';

let harness: CliHarness;
beforeAll(async () => {
  harness = await cliHarness('bijective-cli-patience-');
}, 120_000);

test('the default patience is none on generated toys and 10 passes on fixed data', () => {
  expect(defaultPatience('generative')).toBe(Infinity);
  expect(defaultPatience('fixed')).toBe(10);
});

test('a toy trains to its last step by default, where --patience 10 stops it early', () => {
  // At lr 1e-8 the validation NLL (a pass every step) all but stands still: on this seed it goes
  // 10 passes without improving well before step 60, so a patience of 10 stops the run there.
  const steps = (...extra: string[]): number => {
    const r = harness.cli(
      'train',
      ...['--flow', 'realnvp', '--data', 'moons', '--steps', '60', '--val-every', '1', '--lr', '1e-8'],
      ...['--batch', '16', '--layers', '1', '--hidden', '4', '--backend', 'cpu'],
      ...['--out', `patience${extra.length}`, '--json', '--quiet', ...extra],
    );
    expect(r.status, r.stderr).toBe(0);
    return (JSON.parse(r.last) as { steps: number }).steps;
  };
  expect(steps()).toBe(60);
  expect(steps('--patience', '10')).toBeLessThan(60);
}, 240_000);
