import { listRegistered } from '@bijective/core';
import type { ParsedArgs } from '../args.js';
import { printJson } from '../output.js';

/** `bijective list [--json]`: what the registry holds, by kind. */
export async function listCommand(args: ParsedArgs): Promise<void> {
  const names = (kind: string, tag?: string) => listRegistered(kind, tag).map((l) => l.name);
  const result = {
    flows: names('bijector', 'flow'),
    datasets: names('dataset'),
    backends: names('backend'),
    odeSolvers: names('odeSolver'),
    traceEstimators: names('traceEstimator'),
    targets: names('target'),
    distributions: names('distribution'),
  };
  if (args.flags.has('json')) return printJson(result);
  for (const [kind, list] of Object.entries(result)) process.stdout.write(`${kind}: ${list.join(', ')}\n`);
}
