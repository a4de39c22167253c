import { BijectiveError } from '../errors.js';

/** A model file that is missing, unreadable, corrupt or incompatible, or a save that failed; the message names the file. */
export class ModelFileError extends BijectiveError {
  /** The file, directory or URL concerned. */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: string;

  /** Creates the error with the message `<file>: <problem>`; `cause` keeps the underlying error. */
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super('io', `${shortened(file, 300)}: ${problem}`);
    this.name = 'ModelFileError';
    this.file = file;
    this.problem = problem;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** Plain words for the file-system error codes a model file can cause. */
const FS_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/** Why a file-system call failed, without repeating the path: the error code in words. */
export function fileSystemReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(FS_REASONS, code)) return `${FS_REASONS[code]} (${code})`;
  return typeof code === 'string' ? code : messageOf(error);
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
