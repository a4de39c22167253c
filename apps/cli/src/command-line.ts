import { parseArgs, type ParsedArgs } from './args.js';
import { SPECS } from './command-docs.js';
import { readEvalOptions } from './commands/eval.js';
import { readPlotOptions } from './commands/plot.js';
import { readSampleOptions } from './commands/sample.js';
import { readScoreOptions } from './commands/score.js';
import { readTrainRequest } from './commands/train.js';
import { helpRequest } from './help.js';

/** Each command's option reader: checks every option value before the command does any work. */
const OPTION_READERS: Readonly<Record<string, (args: ParsedArgs) => unknown>> = {
  train: readTrainRequest,
  eval: readEvalOptions,
  score: readScoreOptions,
  sample: readSampleOptions,
  plot: readPlotOptions,
  list: () => undefined,
};

/**
 * Reads a whole command line as `run` does before acting: a help or version request, or the parsed
 * arguments with every option of the command checked. Bad usage throws a `UsageError`.
 */
export function readCommandLine(argv: readonly string[]): { help: string } | { args: ParsedArgs } {
  const help = helpRequest(argv);
  if (help !== null) return { help };
  const args = parseArgs(argv, SPECS);
  OPTION_READERS[args.command]?.(args);
  return { args };
}
