import { UsageError } from './usage-error.js';

/** The parsed command line: the command, option values by long name, and boolean switches. */
export interface ParsedArgs {
  /** The sub-command (`train`, `eval`, ...). */
  command: string;
  /** `--name value` pairs (the last one when an option is given twice). */
  values: Map<string, string>;
  /** Every value of repeatable options (`--plugin A --plugin B`), in order. */
  lists: Map<string, string[]>;
  /** `--flag` switches that were present. */
  flags: Set<string>;
  /** How the user spelled each option given (`-n` or `--n`), for error messages. */
  spelled: Map<string, string>;
}

/** What a command accepts: options that take a value and switches that do not. */
export interface CommandSpec {
  /** Long names of options that take a value. */
  values: readonly string[];
  /** Long names of boolean switches. */
  flags: readonly string[];
  /** Value options that may be given several times (collected in {@link ParsedArgs.lists}). */
  repeatable?: readonly string[];
  /** Short aliases, e.g. `{ n: 'n' }`. */
  aliases?: Readonly<Record<string, string>>;
}

/** An empty parse for `command` (tests and internal callers build on it). */
export function emptyArgs(command: string): ParsedArgs {
  return { command, values: new Map(), lists: new Map(), flags: new Set(), spelled: new Map() };
}

/** The option as the user typed it (`-n`, `--steps`), or `--name` when absent. */
export function spelling(args: ParsedArgs, name: string): string {
  return args.spelled.get(name) ?? `--${name}`;
}

/** Parses `argv` (without node and script) against the command specs; unknown commands or options are usage errors. */
export function parseArgs(argv: readonly string[], specs: Readonly<Record<string, CommandSpec>>): ParsedArgs {
  const [command, ...rest] = argv;
  const commands = Object.keys(specs).join(', ');
  if (!command || command.startsWith('-')) {
    throw new UsageError(`missing command; expected one of: ${commands} (see bijective --help)`);
  }
  const spec = Object.hasOwn(specs, command) ? specs[command] : undefined;
  if (!spec) throw new UsageError(`unknown command '${command}'; expected one of: ${commands}`);
  const args = emptyArgs(command);
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as string;
    const match = /^(--?)([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(token);
    if (!match) throw new UsageError(`unexpected argument '${token}' for ${command}`);
    const [, dashes, raw, inline] = match as unknown as [string, string, string, string | undefined];
    const aliases = spec.aliases ?? {};
    const name = dashes === '--' ? raw : Object.hasOwn(aliases, raw) ? aliases[raw] : undefined;
    const typed = `${dashes}${raw}`;
    const isFlag = name !== undefined && spec.flags.includes(name);
    const isValue = name !== undefined && spec.values.includes(name);
    if (!isFlag && !isValue) {
      const known = [...spec.values, ...spec.flags].map((o) => `--${o}`).join(', ');
      throw new UsageError(`unknown option '${typed}' for ${command}; known: ${known}`);
    }
    args.spelled.set(name, typed);
    if (isFlag) {
      if (inline !== undefined) throw new UsageError(`option ${typed} takes no value`);
      args.flags.add(name);
      continue;
    }
    const value = inline ?? rest[++i];
    if (value === undefined || (inline === undefined && /^--?[A-Za-z]/.test(value))) {
      throw new UsageError(`option ${typed} needs a value`);
    }
    args.values.set(name, value);
    if (spec.repeatable?.includes(name)) args.lists.set(name, [...(args.lists.get(name) ?? []), value]);
  }
  return args;
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
    throw new UsageError(`${spelling(args, name)} must be an integer in [${min}, ${max}], got '${raw}'`);
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
    throw new UsageError(`${spelling(args, name)} must be a number in [${min}, ${max}], got '${raw}'`);
  }
  return value;
}

/** Reads a number option that must be strictly positive (at most `max`), or undefined when absent. */
export function positiveOption(args: ParsedArgs, name: string, max = Infinity): number | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new UsageError(`${spelling(args, name)} must be a number > 0 and <= ${max}, got '${raw}'`);
  }
  return value;
}

/** Reads a comma-separated list of non-negative integers (`--hidden 64,64`), or undefined when absent. */
export function intListOption(args: ParsedArgs, name: string, min = 0): number[] | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < min || !Number.isSafeInteger(Number(p)))) {
    throw new UsageError(
      `${spelling(args, name)} must be a comma-separated list of integers >= ${min}, got '${raw}'`,
    );
  }
  return parts.map(Number);
}

/** Reads an option whose value is one of `choices`, or the default when absent. */
export function choiceOption<T extends string>(
  args: ParsedArgs,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`${spelling(args, name)} must be one of ${choices.join(', ')}, got '${raw}'`);
  }
  return raw as T;
}

/** Reads a required option's value. */
export function requiredOption(args: ParsedArgs, name: string): string {
  const value = args.values.get(name);
  if (value === undefined) throw new UsageError(`${args.command} needs --${name}`);
  if (value.trim() === '') throw new UsageError(`${spelling(args, name)} needs a non-empty value`);
  return value;
}
