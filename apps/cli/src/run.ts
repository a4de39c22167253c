import { BijectiveError } from '@bijective/core';
import { parseArgs } from './args.js';
import { SPECS } from './command-docs.js';
import { COMMANDS } from './commands/index.js';
import { cliVersion, commandHelp, generalHelp } from './help.js';
import { loadPlugins } from './plugins.js';
import { UsageError } from './usage-error.js';

/** What `--help`, `-h`, `help [command]` and `--version` ask for, or null for a command to run. */
function helpRequest(argv: readonly string[]): string | null {
  const [first, second] = argv;
  if (first === '--version' || first === '-V') return `${cliVersion()}\n`;
  if (first === undefined) return null;
  if (first === '--help' || first === '-h') return generalHelp();
  if (first === 'help') return second === undefined ? generalHelp() : commandHelp(second);
  if (!first.startsWith('-') && argv.some((a) => a === '--help' || a === '-h')) return commandHelp(first);
  return null;
}

/** Runs one command line; resolves to the exit status (0 success, 2 bad usage or input, 1 internal failure). */
export async function run(argv: readonly string[], cwd = process.cwd()): Promise<number> {
  try {
    const help = helpRequest(argv);
    if (help !== null) {
      process.stdout.write(help);
      return 0;
    }
    const args = parseArgs(argv, SPECS);
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
