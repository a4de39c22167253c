import { foldIndices, selectRows, type Table } from '@bijective/datasets';
import { UsageError } from './usage-error.js';

/** Folds of `train`'s K-fold early stopping on a small table (`--folds`' default there). */
export const DEFAULT_FOLDS = 5;

/**
 * A validation split of fewer rows than this is too small to stop on (iris' 12 rows kept an overfit
 * MAF, docs/benchmarks.md): `train` then cross-validates the stopping step over {@link DEFAULT_FOLDS} folds.
 */
export const KFOLD_BELOW_VALIDATION_ROWS = 30;

/** The largest `--folds`. */
export const MAX_FOLDS = 50;

/** One point of a validation curve: the mean validation NLL (nats per row, data units) after `step` steps. */
export interface CurvePoint {
  step: number;
  nll: number;
}

/** What one fold's training run reports: its validation rows, its validation curve and the rows' log-densities at its best weights. */
export interface FoldRun {
  /** Validation rows of the fold. */
  rows: number;
  /** Validation NLL after 0 (the initial flow), then every validation pass's step. */
  curve: CurvePoint[];
  /** Log-densities of the fold's validation rows at the fold's best-validation weights (out-of-fold rows). */
  logDensities: Float64Array;
  /** The fold's own best-validation step. */
  bestStep: number;
}

/** The outcome of K-fold cross-validation of a flow's training length. */
export interface CrossValidation {
  /** K. */
  folds: number;
  /** Step count with the lowest cross-validated NLL: the refit on all rows runs this many steps. */
  step: number;
  /** That NLL: the mean over every row of its NLL under the model of the fold that held it out. */
  nll: number;
  /** The cross-validated curve (steps every fold reached). */
  curve: CurvePoint[];
  /** Each fold's own best step. */
  foldBestSteps: number[];
  /** Every row's out-of-fold log-density (each fold's best weights), the typicality reference of `score`. */
  logDensities: Float64Array;
}

/**
 * `--folds`' default: {@link DEFAULT_FOLDS} for a flow of `foldFlows` (the table recipe's) on a CSV
 * table without context whose validation split (⌊rows · fraction⌋) would hold fewer than
 * {@link KFOLD_BELOW_VALIDATION_ROWS} rows, trained for a step count (not `--max-seconds` alone) and
 * without checkpoints; else 1 (the single validation split).
 */
export function defaultFolds(settings: {
  flow: string;
  tabular: boolean;
  rows: number;
  validationFraction: number;
  timeBudget: boolean;
  checkpointing: boolean;
  foldFlows: readonly string[];
}): number {
  const { flow, tabular, rows, validationFraction } = settings;
  if (!tabular || !settings.foldFlows.includes(flow) || validationFraction === 0) return 1;
  if (settings.timeBudget || settings.checkpointing || rows < 2 * DEFAULT_FOLDS) return 1;
  return Math.floor(rows * validationFraction) < KFOLD_BELOW_VALIDATION_ROWS ? DEFAULT_FOLDS : 1;
}

/** Checks `--folds K` against the table's rows (at least 2 rows a fold). */
export function checkFolds(folds: number, rows: number, spelled = '--folds'): void {
  if (folds >= 2 && folds * 2 > rows) {
    throw new UsageError(
      `${spelled} ${folds} needs at least ${2 * folds} rows (2 a fold); the table has ${rows}`,
    );
  }
}

/** Fold `index` of `folds` (seeded by `seed`) as validation rows, the other folds as training rows. */
export function foldSplit(
  rows: Table,
  folds: number,
  index: number,
  seed: number,
): { train: Table; validation: Table } {
  const parts = foldIndices(rows.rows, folds, seed);
  return {
    train: selectRows(rows, parts.filter((_, j) => j !== index).flat()),
    validation: selectRows(rows, parts[index] as number[]),
  };
}

/** Every row, in the seeded fold order (a uniform shuffle), for the refit on all rows. */
export function refitRows(rows: Table, folds: number, seed: number): Table {
  return selectRows(rows, foldIndices(rows.rows, folds, seed).flat());
}

/**
 * Cross-validates a training length (early stopping by K-fold cross-validation): the folds'
 * validation curves, averaged over every row (weighted by each fold's rows) at the steps every fold
 * reached, and the step of the lowest average, the first on a tie. Step 0 (the initial flow, the
 * Gaussian copula of the table recipe) is a candidate like any other.
 */
export function crossValidate(runs: readonly FoldRun[]): CrossValidation {
  if (runs.length < 2) throw new Error('crossValidate: needs at least 2 folds');
  const total = runs.reduce((a, r) => a + r.rows, 0);
  const steps = (runs[0] as FoldRun).curve
    .map((p) => p.step)
    .filter((s) => runs.every((r) => r.curve.some((p) => p.step === s)));
  const curve: CurvePoint[] = steps.map((step) => ({
    step,
    nll:
      runs.reduce((a, r) => a + r.rows * (r.curve.find((p) => p.step === step) as CurvePoint).nll, 0) / total,
  }));
  const finite = curve.filter((p) => Number.isFinite(p.nll));
  if (finite.length === 0)
    throw new Error('crossValidate: no step has a finite validation NLL in every fold');
  const best = finite.reduce((a, b) => (b.nll < a.nll ? b : a));
  const logDensities = new Float64Array(total);
  let at = 0;
  for (const r of runs) {
    logDensities.set(r.logDensities, at);
    at += r.logDensities.length;
  }
  return {
    folds: runs.length,
    step: best.step,
    nll: best.nll,
    curve,
    foldBestSteps: runs.map((r) => r.bestStep),
    logDensities: logDensities.subarray(0, at),
  };
}
