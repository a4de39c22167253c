import { BijectiveError } from '@bijective/core';

/** A data file that is missing, unreadable, truncated or not in the expected format (code `io`). */
export class DataFileError extends BijectiveError {
  /** Creates an error whose message names the file and the problem. */
  constructor(message: string) {
    super('io', message);
    this.name = 'DataFileError';
  }
}
