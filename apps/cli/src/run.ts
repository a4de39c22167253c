import { BijectiveError } from '@bijective/core';
import { parseArgs } from './args.js';
import { COMMANDS, SPECS } from './commands/index.js';
import { UsageError } from './usage-error.js';

/** Runs one command line; resolves to the exit status (0 success, 2 bad usage or input, 1 internal failure). */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv, SPECS);
    await COMMANDS[args.command]!(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof BijectiveError && error.code !== 'numerics')) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof BijectiveError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(
      `error: internal failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
