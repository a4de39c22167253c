import { BijectiveError } from '@bijective/core';
import { readCommandLine } from './command-line.js';
import { COMMANDS } from './commands/index.js';
import { loadPlugins } from './plugins.js';
import { UsageError } from './usage-error.js';

/** Runs one command line; resolves to the exit status (0 success, 2 bad usage or input, 1 internal failure). */
export async function run(argv: readonly string[], cwd = process.cwd()): Promise<number> {
  try {
    const line = readCommandLine(argv);
    if ('help' in line) {
      process.stdout.write(line.help);
      return 0;
    }
    const { args } = line;
    const plugins = await loadPlugins(args.lists.get('plugin') ?? [], cwd);
    await COMMANDS[args.command]!(args, { plugins });
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof BijectiveError && error.code !== 'numerics')) {
      process.stderr.write(`error: ${oneLine(error.message)}\n`);
      return 2;
    }
    if (error instanceof BijectiveError) {
      process.stderr.write(`error: ${oneLine(error.message)}\n`);
      return 1;
    }
    process.stderr.write(
      `error: internal failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

/** A message on one line (the contract: one `error:` line). */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
