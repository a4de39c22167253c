import type { InverseHealth } from '@bijective/train';
import { bitsPerDim } from '@bijective/datasets';
import { intOption, requiredOption, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import { printJson } from '../output.js';
import { discreteLogVolume } from '../discrete.js';
import { openModel } from '../saved-model.js';
import { closeModel, evaluationTable, tableInverseHealth, tableLogDensities } from '../scoring.js';

/** An error for JSON: a number, or null when the round trip was not finite. */
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * The `--check-inverse` fields of the JSON: `inverseError` (largest ‖f(f⁻¹(x)) − x‖₂, null when a
 * round trip is not finite), `meanInverseError`, `nonFiniteRows` and `worstRows` (`{row, error}`,
 * 0-based input rows, largest first).
 */
export function inverseFields(health: InverseHealth) {
  return {
    inverseError: finiteOrNull(health.inverseError),
    meanInverseError: finiteOrNull(health.meanError),
    nonFiniteRows: health.nonFiniteRows,
    worstRows: health.worstRows.map((r) => ({ row: r.row, error: finiteOrNull(r.error) })),
  };
}

/** The `--check-inverse` line of the text output. */
function inverseLine(health: InverseHealth): string {
  const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : 'not finite');
  const worst = health.worstRows.map((r) => `${r.row} (${fmt(r.error)})`).join(', ');
  const nonFinite = health.nonFiniteRows > 0 ? `; ${health.nonFiniteRows} rows not finite` : '';
  return `inverse: largest ‖f(f⁻¹(x)) − x‖ ${fmt(health.inverseError)}, mean ${fmt(health.meanError)}${nonFinite}; worst rows ${worst}`;
}

/** The options of `eval`, read and checked before any work. */
export function readEvalOptions(args: ParsedArgs) {
  return {
    dataSpec: requiredOption(args, 'data'),
    modelDir: requiredOption(args, 'model'),
    seed: intOption(args, 'seed', 0, 0, 2 ** 31 - 1),
  };
}

/**
 * `bijective eval`: mean NLL of data under a saved model; with --per-sample each row's log-density,
 * with --check-inverse the inverse's reconstruction error on the rows.
 */
export async function evalCommand(args: ParsedArgs): Promise<void> {
  const { dataSpec, modelDir, seed } = readEvalOptions(args);
  await selectBackend(args.values.get('backend'));
  const model = await openModel(modelDir);
  try {
    const table = evaluationTable(model, dataSpec, seed);
    const logProb = Array.from(
      tableLogDensities(model.flow, table, model.levels, discreteLogVolume(model.discrete)),
    );
    const nll = -logProb.reduce((a, b) => a + b, 0) / logProb.length;
    const health = args.flags.has('check-inverse') ? tableInverseHealth(model, table) : null;
    const result = {
      nll,
      n: logProb.length,
      ...(model.levels ? { bitsPerDim: bitsPerDim(nll, model.dims) } : {}),
      ...(args.flags.has('per-sample') ? { logProb } : {}),
      ...(health ? inverseFields(health) : {}),
    };
    if (args.flags.has('json')) return printJson(result);
    process.stdout.write(`NLL ${nll.toFixed(4)} nats over ${logProb.length} rows\n`);
    if (health) process.stdout.write(`${inverseLine(health)}\n`);
    if (args.flags.has('per-sample'))
      process.stdout.write(`${logProb.map((v) => v.toFixed(6)).join('\n')}\n`);
  } finally {
    closeModel(model);
  }
}
