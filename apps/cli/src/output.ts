/** Writes the command's JSON result as the last line of stdout. */
export function printJson(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Writes a human-readable line to stderr (stdout stays free for data and JSON). */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}
