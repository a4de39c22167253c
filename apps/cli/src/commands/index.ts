import type { CommandSpec, ParsedArgs } from '../args.js';
import { evalCommand } from './eval.js';
import { listCommand } from './list.js';
import { plotCommand } from './plot.js';
import { sampleCommand } from './sample.js';
import { trainCommand } from './train.js';

const FLOW_OPTIONS = [
  'layers',
  'hidden',
  'bins',
  'solver',
  'estimator',
  'rtol',
  'atol',
  'gradient',
  'integration-time',
  'augment',
  'kinetic',
  'jacobian-norm',
  'context-columns',
  'flow-options',
];

/** Options and switches of every command (CLI.md). */
export const SPECS: Readonly<Record<string, CommandSpec>> = {
  train: {
    values: [
      'flow',
      'data',
      'base',
      'test',
      'steps',
      'batch',
      'lr',
      'seed',
      'backend',
      'val-fraction',
      'val-every',
      'patience',
      'weight-decay',
      'preprocess',
      'out',
      ...FLOW_OPTIONS,
    ],
    flags: ['json'],
  },
  eval: { values: ['model', 'data', 'seed', 'backend'], flags: ['per-sample', 'json'] },
  sample: {
    values: ['model', 'n', 'seed', 'out', 'backend', 'context'],
    flags: ['json'],
    aliases: { n: 'n' },
  },
  plot: { values: ['model', 'data', 'out', 'kind', 'seed', 'backend'], flags: ['json'] },
  list: { values: [], flags: ['json'] },
};

/** The command implementations by name. */
export const COMMANDS: Readonly<Record<string, (args: ParsedArgs) => Promise<void>>> = {
  train: trainCommand,
  eval: evalCommand,
  sample: sampleCommand,
  plot: plotCommand,
  list: listCommand,
};
