import type { ParsedArgs } from '../args.js';
import type { LoadedPlugin } from '../plugins.js';
import { evalCommand } from './eval.js';
import { listCommand } from './list.js';
import { plotCommand } from './plot.js';
import { sampleCommand } from './sample.js';
import { scoreCommand } from './score.js';
import { trainCommand } from './train.js';

/** What every command gets besides its options: the plugins loaded for this run. */
export interface CommandContext {
  /** Plugin modules imported (from --plugin and bijective.config.json) and what they registered. */
  plugins: readonly LoadedPlugin[];
}

/** A command's implementation. */
export type Command = (args: ParsedArgs, context: CommandContext) => Promise<void>;

/** The command implementations by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  train: trainCommand,
  eval: evalCommand,
  score: scoreCommand,
  sample: sampleCommand,
  plot: plotCommand,
  list: listCommand,
};
