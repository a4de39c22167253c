import { numberOption, intOption, requiredOption, spelling, type ParsedArgs } from '../args.js';
import { selectBackend } from '../backend.js';
import { printJson, say } from '../output.js';
import { interpolateQuantile } from '../quantiles.js';
import { openModel, type SavedModel } from '../saved-model.js';
import { closeModel, scoreData } from '../scoring.js';
import { typicalityTest, type ReferenceDensity } from '../typicality.js';
import { UsageError } from '../usage-error.js';
import { writeFileAtomic } from '../files.js';

/** What `train` saves about the log-density of its rows (model metadata `logDensity`). */
interface SavedLogDensity {
  levels: number[];
  train: number[];
  validation: number[] | null;
}

/** The saved log-density quantiles of a model, or a usage error for models trained before they were saved. */
function savedLogDensity(model: SavedModel, dir: string): SavedLogDensity {
  const saved = model.metadata.logDensity as Partial<SavedLogDensity> | undefined;
  const ok = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length > 1 && v.every((x) => typeof x === 'number');
  if (!saved || !ok(saved.levels) || !ok(saved.train) || saved.train.length !== saved.levels.length) {
    throw new UsageError(
      `model '${dir}' has no saved log-density quantiles (metadata.logDensity); retrain it with this version of train`,
    );
  }
  const validation =
    ok(saved.validation) && saved.validation.length === saved.levels.length ? saved.validation : null;
  return { levels: saved.levels, train: saved.train, validation };
}

/** The score CSV: `row,logDensity,anomaly` (anomaly 1 below the threshold). */
function scoreCsv(logProb: Float64Array, threshold: number): string {
  const lines = ['row,logDensity,anomaly'];
  logProb.forEach((v, i) => lines.push(`${i},${v},${v < threshold ? 1 : 0}`));
  return `${lines.join('\n')}\n`;
}

/** The options of `score`, read and checked before any work. */
export function readScoreOptions(args: ParsedArgs) {
  const out = args.values.get('out');
  if (out !== undefined && out.trim() === '')
    throw new UsageError(`${spelling(args, 'out')} needs a file name`);
  return {
    modelDir: requiredOption(args, 'model'),
    dataSpec: requiredOption(args, 'data'),
    contamination: numberOption(args, 'contamination', 0.01, 0, 1),
    seed: intOption(args, 'seed', 0, 0, 2 ** 31 - 1),
    out,
  };
}

/**
 * `bijective score`: each row's log-density under a saved model and an anomaly flag, set below the
 * q-quantile (`--contamination`) of the training rows' log-density; `--typicality` adds the batch
 * typicality test of Nalisnick et al. (2019).
 */
export async function scoreCommand(args: ParsedArgs): Promise<void> {
  const modelDir = requiredOption(args, 'model');
  const dataSpec = requiredOption(args, 'data');
  const contamination = numberOption(args, 'contamination', 0.01, 0, 1);
  const seed = intOption(args, 'seed', 0, 0, 2 ** 31 - 1);
  const out = args.values.get('out');
  if (out !== undefined && out.trim() === '')
    throw new UsageError(`${spelling(args, 'out')} needs a file name`);
  await selectBackend(args.values.get('backend'));
  const model = await openModel(modelDir);
  try {
    const saved = savedLogDensity(model, modelDir);
    const logProb = scoreData(model, dataSpec, seed);
    const threshold = interpolateQuantile(saved.levels, saved.train, contamination);
    let anomalies = 0;
    for (const v of logProb) if (v < threshold) anomalies += 1;
    const reference: ReferenceDensity = { levels: saved.levels, quantiles: saved.validation ?? saved.train };
    const typicality = args.flags.has('typicality') ? typicalityTest(logProb, reference, seed) : undefined;
    const csv = scoreCsv(logProb, threshold);
    if (out) writeFileAtomic(out, csv);
    else process.stdout.write(csv);
    const result = {
      n: logProb.length,
      anomalies,
      threshold,
      contamination,
      ...(typicality
        ? {
            typicalityP: typicality.p,
            typicalityStatistic: typicality.statistic,
            typicalityReference: saved.validation ? 'validation' : 'train',
          }
        : {}),
      ...(out ? { out } : {}),
    };
    if (args.flags.has('json')) return printJson(result);
    say(
      `${anomalies} of ${logProb.length} rows below the ${contamination}-quantile of the training log-density (${threshold.toFixed(4)})`,
    );
    if (typicality) {
      say(
        `typicality: |mean log-density - reference| = ${typicality.statistic.toFixed(4)} nats, p = ${typicality.p.toFixed(4)} (${typicality.bootstraps} bootstrap batches)`,
      );
    }
    if (out) say(`scores written to ${out}`);
  } finally {
    closeModel(model);
  }
}
