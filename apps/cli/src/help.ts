import { readFileSync } from 'node:fs';
import { COMMAND_DOCS, type CommandDoc, type OptionDoc } from './command-docs.js';
import { UsageError } from './usage-error.js';

/** The CLI's version, from its package.json (beside `src/` and `dist/` alike). */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `--name VALUE` (with `-a, ` before it when the option has an alias). */
function optionLabel(option: OptionDoc): string {
  const long = option.alias === option.name ? `-${option.name}` : `--${option.name}`;
  const alias = option.alias && option.alias !== option.name ? `-${option.alias}, ` : '';
  return `${alias}${long}${option.value ? ` ${option.value}` : ''}`;
}

/** Wraps `text` to `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The usage line of a command: required options spelled out, the rest as `[options]`. */
function usageLine(doc: CommandDoc): string {
  if (doc.usage) return `bijective ${doc.name} ${doc.usage}`;
  const required = doc.options.filter((o) => o.required).map(optionLabel);
  return [
    'bijective',
    doc.name,
    ...required,
    ...(doc.options.some((o) => !o.required) ? ['[options]'] : []),
  ].join(' ');
}

/** The `--help` text of one command: usage, every option with its default and meaning, examples. */
export function commandHelp(name: string): string {
  const doc = COMMAND_DOCS.find((d) => d.name === name);
  if (!doc) {
    throw new UsageError(
      `unknown command '${name}'; expected one of: ${COMMAND_DOCS.map((d) => d.name).join(', ')}`,
    );
  }
  const labels = doc.options.map(optionLabel);
  const width = Math.min(30, Math.max(...labels.map((l) => l.length)) + 2);
  const options = doc.options.map((o, i) => {
    const label = labels[i] as string;
    const notes = [o.required ? 'required' : undefined, o.default ? `default: ${o.default}` : undefined]
      .filter((n) => n !== undefined)
      .join('; ');
    const text = `${o.help}${notes ? ` (${notes})` : ''}`;
    const pad = label.length + 2 > width ? `\n${' '.repeat(width + 2)}` : ' '.repeat(width - label.length);
    return `  ${label}${pad}${wrap(text, 98 - width, width + 2)}`;
  });
  const examples = doc.examples.map(([line, what]) => `  ${line}\n      ${what}`);
  return [
    `usage: ${usageLine(doc)}`,
    '',
    wrap(doc.summary, 100, 0),
    '',
    'options:',
    ...options,
    `  ${'-h, --help'.padEnd(width)}this text`,
    '',
    'examples:',
    ...examples,
    '',
  ].join('\n');
}

/** The text of `bijective --help`: the commands and where to read more. */
export function generalHelp(): string {
  const width = Math.max(...COMMAND_DOCS.map((d) => d.name.length)) + 2;
  return [
    'usage: bijective <command> [options]',
    '',
    'Normalizing flows on TensorFlow.js: train, evaluate, score, sample and plot.',
    '',
    'commands:',
    ...COMMAND_DOCS.map((d) => `  ${d.name.padEnd(width)}${wrap(d.summary, 96 - width, width + 2)}`),
    `  ${'help'.padEnd(width)}help [command]: this text, or a command's options and examples`,
    '',
    "bijective <command> --help (or -h) shows a command's options, defaults and examples;",
    'bijective --version prints the version. Relative paths are read from the current directory.',
    'Exit status: 0 success, 2 bad usage or input (one "error:" line on stderr), 1 internal failure.',
    '',
  ].join('\n');
}

/** The text that `--help`, `-h`, `help [command]` or `--version` asks for, or null for a command to run. */
export function helpRequest(argv: readonly string[]): string | null {
  const [first, second] = argv;
  if (first === '--version' || first === '-V') return `${cliVersion()}\n`;
  if (first === undefined) return null;
  if (first === '--help' || first === '-h') return generalHelp();
  if (first === 'help') return second === undefined ? generalHelp() : commandHelp(second);
  if (!first.startsWith('-') && argv.some((a) => a === '--help' || a === '-h')) return commandHelp(first);
  return null;
}
