import { BijectiveError } from '../errors.js';

/** A model file that is missing, unreadable, corrupt or incompatible, or a save that failed; the message names the file. */
export class ModelFileError extends BijectiveError {
  /** The file, directory or URL concerned. */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: string;

  /** Creates the error with the message `<file>: <problem>`; `cause` keeps the underlying error. */
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super('io', `${file}: ${problem}`);
    this.name = 'ModelFileError';
    this.file = file;
    this.problem = problem;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A string from a file cut at `max` characters (with `…`) for a message. */
export function shortened(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A string from a file, single-quoted for a message and cut at `max` characters. */
export function quoted(text: string, max = 80): string {
  return `'${shortened(text, max)}'`;
}
