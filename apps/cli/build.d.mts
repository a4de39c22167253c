/** Builds the CLI bundle and returns its path. */
export function buildCli(): Promise<string>;
