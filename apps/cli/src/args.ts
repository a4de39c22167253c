import { UsageError } from './usage-error.js';

/** The parsed command line: the command, option values by long name, and boolean switches. */
export interface ParsedArgs {
  /** The sub-command (`train`, `eval`, ...). */
  command: string;
  /** `--name value` pairs. */
  values: Map<string, string>;
  /** `--flag` switches that were present. */
  flags: Set<string>;
}

/** What a command accepts: options that take a value and switches that do not. */
export interface CommandSpec {
  /** Long names of options that take a value. */
  values: readonly string[];
  /** Long names of boolean switches. */
  flags: readonly string[];
  /** Short aliases, e.g. `{ n: 'n' }`. */
  aliases?: Readonly<Record<string, string>>;
}

/** Parses `argv` (without node and script) against the command specs; unknown commands or options are usage errors. */
export function parseArgs(argv: readonly string[], specs: Readonly<Record<string, CommandSpec>>): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || command.startsWith('-')) {
    throw new UsageError(`missing command; expected one of: ${Object.keys(specs).join(', ')}`);
  }
  const spec = specs[command];
  if (!spec)
    throw new UsageError(`unknown command '${command}'; expected one of: ${Object.keys(specs).join(', ')}`);
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as string;
    const match = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/.exec(token);
    if (!match) throw new UsageError(`unexpected argument '${token}'`);
    const raw = match[1] as string;
    const name = token.startsWith('--') ? raw : (spec.aliases?.[raw] ?? raw);
    if (!token.startsWith('--') && !spec.aliases?.[raw])
      throw new UsageError(`unknown option '${token}' for ${command}`);
    if (spec.flags.includes(name)) {
      if (match[2] !== undefined) throw new UsageError(`option --${name} takes no value`);
      flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = match[2] ?? rest[++i];
      if (value === undefined || (match[2] === undefined && /^--?[A-Za-z]/.test(value))) {
        throw new UsageError(`option --${name} needs a value`);
      }
      values.set(name, value);
    } else {
      const known = [...spec.values, ...spec.flags].map((o) => `--${o}`).join(', ');
      throw new UsageError(`unknown option '${token}' for ${command}; known: ${known}`);
    }
  }
  return { command, values, flags };
}

/** Reads an integer option in [min, max], or the default when absent. */
export function intOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got '${raw}'`);
  }
  return value;
}

/** Reads a number option in [min, max], or the default when absent. */
export function numberOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number in [${min}, ${max}], got '${raw}'`);
  }
  return value;
}

/** Reads a comma-separated list of non-negative integers (`--hidden 64,64`), or undefined when absent. */
export function intListOption(args: ParsedArgs, name: string, min = 0): number[] | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < min)) {
    throw new UsageError(`--${name} must be a comma-separated list of integers >= ${min}, got '${raw}'`);
  }
  return parts.map(Number);
}

/** Reads a required option's value. */
export function requiredOption(args: ParsedArgs, name: string): string {
  const value = args.values.get(name);
  if (value === undefined) throw new UsageError(`${args.command} needs --${name}`);
  return value;
}
