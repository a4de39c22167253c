/** A bad command line or bad input: the CLI prints `error: <message>` and exits with status 2. */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
