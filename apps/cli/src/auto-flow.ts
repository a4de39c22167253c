import { Chain, Flow, StandardNormal, TriangularAffine, ValueError, type JsonObject } from '@bijective/core';
import { loadFlowFromDirectory, saveFlowToDirectory } from '@bijective/core/node';
import { DivergenceError } from '@bijective/train';
import { fitWhitening, type Dataset, type FixedDataset, type Table } from '@bijective/datasets';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { selectBackend } from './backend.js';
import { openDataset, trainingSplits } from './data.js';
import { writeFileAtomic } from './files.js';
import { lossCsv } from './loss-history.js';
import { printJson, say } from './output.js';
import { tableLogDensities } from './scoring.js';
import { UsageError } from './usage-error.js';
import { dequantisedSplits, discreteColumnsFor, discreteLogVolume, type DiscreteMode } from './discrete.js';
import { foldSplit, refitRows, type CrossValidation } from './k-fold.js';
import {
  ensembleRecord,
  planEnsemble,
  recordInModel,
  saveEnsemble,
  type EnsemblePlan,
} from './ensemble-model.js';
import * as path from 'node:path';

/** The `--flow` name that picks a table's model by validation NLL. */
export const AUTO_FLOW = 'auto';

/** The flows `--flow auto` trains, besides the closed-form Gaussian, in the order they are tried. */
export const AUTO_CANDIDATES: readonly string[] = ['maf', 'nsf', 'realnvp'];

/**
 * Validation sets smaller than this are too noisy to rank candidates on one split: {@link trainAuto}
 * then averages each candidate's validation NLL over {@link AUTO_REPEATS} random validation splits.
 */
export const AUTO_REPEAT_BELOW_ROWS = 100;

/** Random validation splits {@link trainAuto} averages over on a small table. */
export const AUTO_REPEATS = 3;

/** What a candidate's training reports back to {@link trainAuto} (the summary `train --json` prints). */
export type CandidateSummary = Record<string, unknown> & { valNll: number | null; testNll: number | null };

/** Trains one candidate flow into `out` with `seed` (its validation split and initialisation) without printing, and returns its summary. */
export type TrainCandidate = (flow: string, out: string, seed: number) => Promise<CandidateSummary>;

/**
 * How {@link trainAuto} picks on a small table (`train --folds K`, K ≥ 2): every candidate's training
 * length is cross-validated over the same K folds (src/k-fold.ts), the Gaussian is fitted on each
 * fold's training rows and scored on its validation rows, the lowest cross-validated NLL wins, and
 * only the winner is refitted on every row.
 */
export interface CrossValidatedCandidates {
  /** K. */
  folds: number;
  /** Cross-validates one candidate flow over the table's `rows`. */
  crossValidate: (flow: string, rows: number) => Promise<CrossValidation>;
  /** Refits the picked flow on every row for its cross-validated step count into `out`; returns its summary. */
  refit: (flow: string, out: string, cv: CrossValidation) => Promise<CandidateSummary>;
}

/** The settings of `train` that {@link trainAuto} reads. */
export interface AutoSettings {
  /** `--data`. */
  data: string;
  /** `--test`. */
  test?: string;
  /** `--seed`. */
  seed: number;
  /** `--val-fraction`. */
  validationFraction: number;
  /** `--out`. */
  out: string;
  /** `--discrete` (default `auto`): the Gaussian sees the candidates' dequantised columns. */
  discrete?: DiscreteMode;
  /** `--json`. */
  json: boolean;
  /** `--quiet`. */
  quiet: boolean;
  /** `--context-columns`. */
  contextColumns?: number[];
  /** `--backend`. */
  backend?: string;
}

/** One candidate's (mean or cross-validated) validation NLL. */
interface Scored {
  name: string;
  valNll: number;
}

const meanNll = (logProb: Float64Array): number => -logProb.reduce((a, b) => a + b, 0) / logProb.length;

/**
 * The maximum-likelihood full-covariance Gaussian of a table's rows as a flow, x = L z + mean with
 * L Lᵀ the rows' covariance (the whitening alone, a `triangular-affine` bijector on a standard normal
 * base), or null when the covariance is singular.
 */
export function gaussianTableFlow(rows: Table): Flow | null {
  try {
    const w = fitWhitening(rows);
    const eventShape = [rows.cols];
    const affine = new TriangularAffine({ eventShape, matrix: [...w.cholesky], shift: [...w.mean] });
    return new Flow(new StandardNormal({ eventShape }), new Chain([affine]));
  } catch (e) {
    if (e instanceof ValueError) return null;
    throw e;
  }
}

/** The Gaussian's validation NLL on the validation split of seed `seed + r` (Infinity when singular). */
function repeatedGaussianNll(dataset: Dataset, settings: AutoSettings, r: number): number {
  const raw = trainingSplits(dataset, {
    seed: settings.seed + r,
    validationFraction: settings.validationFraction,
  });
  const discrete = discreteColumnsFor(settings.discrete ?? 'auto', raw.train, true);
  const split = dequantisedSplits(raw, discrete, settings.seed + r);
  const flow = gaussianTableFlow(split.train);
  if (!flow || !split.validation) return Infinity;
  try {
    return meanNll(tableLogDensities(flow, split.validation, null, discreteLogVolume(discrete)));
  } finally {
    flow.dispose();
  }
}

/** The model `--flow auto` writes when the Gaussian wins: the whitening fitted on `train`, scored on `test`. */
async function saveGaussian(
  settings: AutoSettings,
  backend: string,
  gaussian: Flow,
  rows: { train: Table; test: Table | null },
  discrete: ReturnType<typeof discreteColumnsFor>,
  valNll: number | null,
  pick: JsonObject,
): Promise<Record<string, unknown>> {
  const logVolume = discreteLogVolume(discrete);
  const trainNll = meanNll(tableLogDensities(gaussian, rows.train, null, logVolume));
  const summary = {
    flow: AUTO_FLOW,
    data: settings.data,
    dims: rows.train.cols,
    backend,
    steps: 0,
    batch: 0,
    trainLoss: trainNll,
    trainNll,
    valNll,
    testNll: rows.test ? meanNll(tableLogDensities(gaussian, rows.test, null, logVolume)) : null,
    discreteColumns: discrete.map((c) => ({ column: c.column, resolution: c.resolution })),
    model: settings.out,
  };
  await saveFlowToDirectory(gaussian, settings.out, {
    ...summary,
    ...pick,
    columns: rows.train.columns ? [...rows.train.columns] : null,
    contextColumns: null,
    levels: null,
    discrete: settings.discrete ?? 'auto',
    eventShape: [rows.train.cols],
    preprocess: 'whiten',
    created: new Date().toISOString(),
  });
  writeFileAtomic(path.join(settings.out, 'loss.csv'), lossCsv([]));
  return summary;
}

/** What model.json keeps of an ensemble besides its summary (as `train` records for a flow). */
function ensembleMetadata(settings: AutoSettings, train: Table): JsonObject {
  return {
    columns: train.columns ? [...train.columns] : null,
    contextColumns: null,
    levels: null,
    discrete: settings.discrete ?? 'auto',
    eventShape: [train.cols],
  };
}

/** Prints what `--flow auto` picked: the JSON line, or the pick on stderr and the NLLs on stdout. */
function reportPick(settings: AutoSettings, picked: Record<string, unknown>): void {
  if (settings.json) return printJson(picked);
  if (!settings.quiet) say(`auto: picked ${String(picked.picked)} (${String(picked.reason)})`);
  const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : 'n/a');
  process.stdout.write(
    `train NLL ${fmt(picked.trainNll)}  val NLL ${fmt(picked.valNll)}  test NLL ${fmt(picked.testNll)} nats\n`,
  );
  process.stdout.write(`model written to ${settings.out}\n`);
}

/** The lowest-NLL candidate and the sentence saying why. */
function pickBest(scored: readonly Scored[], how: string): { best: Scored; reason: string } {
  if (scored.length === 0)
    throw new UsageError(`--flow ${AUTO_FLOW}: no candidate had a finite validation NLL`);
  const best = scored.reduce((a, b) => (b.valNll < a.valNll ? b : a));
  const others = scored.filter((s) => s !== best);
  const reason =
    `${how}: ${best.name} ${best.valNll.toFixed(3)}` +
    (others.length > 0 ? ` against ${others.map((s) => `${s.name} ${s.valNll.toFixed(3)}`).join(', ')}` : '');
  return { best, reason };
}

/** The name `--flow auto` reports when it picks the stacked ensemble of its flows. */
export const ENSEMBLE_PICK = 'ensemble';

/**
 * Whether the stacked ensemble beats the best single candidate: its cross-fitted held-out NLL must
 * be below the single pick's and below every component flow's mean held-out log-density on the
 * same rows (the rows the ensemble is scored on, so neither side gains from where it is measured).
 */
function ensembleWins(plan: EnsemblePlan | null, single: number, flowNlls: readonly number[]): boolean {
  return plan !== null && plan.valNll < single && flowNlls.every((v) => plan.valNll < v);
}

/** The sentence saying why the ensemble was picked. */
function ensembleReason(plan: EnsemblePlan, best: Scored, how: string): string {
  const parts = plan.flows.map((f, i) => `${f} ${(plan.weights[i] as number).toFixed(3)}`).join(', ');
  return `${how}: stacked ensemble (${parts}) ${plan.valNll.toFixed(3)} against the best single candidate ${best.name} ${best.valNll.toFixed(3)}`;
}

/** Held-out rows' log-densities of the models saved in `dirs`. */
async function savedLogDensities(
  dirs: readonly string[],
  rows: Table,
  logVolume: number,
): Promise<Float64Array[]> {
  const columns: Float64Array[] = [];
  for (const dir of dirs) {
    const { flow } = await loadFlowFromDirectory(dir);
    try {
      columns.push(tableLogDensities(flow, rows, null, logVolume));
    } finally {
      flow.dispose();
    }
  }
  return columns;
}

/**
 * The Gaussian's K-fold cross-validated NLL: fitted on each fold's training rows, scored on its
 * validation rows (dequantised as the flows' folds are), the mean over every row; Infinity when a
 * fold's covariance is singular.
 */
function crossValidatedGaussianNll(rows: Table, settings: AutoSettings, folds: number): number {
  let total = 0;
  for (let fold = 0; fold < folds; fold++) {
    const raw = foldSplit(rows, folds, fold, settings.seed);
    const discrete = discreteColumnsFor(settings.discrete ?? 'auto', raw.train, true);
    const split = dequantisedSplits(raw, discrete, settings.seed);
    const flow = gaussianTableFlow(split.train);
    if (!flow) return Infinity;
    try {
      const logProb = tableLogDensities(flow, split.validation, null, discreteLogVolume(discrete));
      total -= logProb.reduce((a, b) => a + b, 0);
    } finally {
      flow.dispose();
    }
  }
  return total / rows.rows;
}

/** `--flow auto` by K-fold cross-validation (see {@link CrossValidatedCandidates}). */
async function trainAutoCrossValidated(
  settings: AutoSettings,
  backend: string,
  dataset: FixedDataset,
  cv: CrossValidatedCandidates,
): Promise<void> {
  const rows = dataset.rows;
  const scored: Scored[] = [];
  const gaussianNll = crossValidatedGaussianNll(rows, settings, cv.folds);
  if (Number.isFinite(gaussianNll)) scored.push({ name: 'gaussian', valNll: gaussianNll });
  const validations = new Map<string, CrossValidation>();
  for (const name of AUTO_CANDIDATES) {
    try {
      const result = await cv.crossValidate(name, rows.rows);
      validations.set(name, result);
      if (Number.isFinite(result.nll)) scored.push({ name, valNll: result.nll });
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
      if (!settings.quiet && !settings.json) say(`auto: ${name} diverged (${e.message}); left out`);
    }
  }
  const how = `lowest ${cv.folds}-fold cross-validated NLL over ${rows.rows} rows`;
  const picked = pickBest(scored, how);
  const best = picked.best;
  // The stacked ensemble of the flows, scored on their out-of-fold log-densities (the same rows).
  const flowNames = AUTO_CANDIDATES.filter((n) => scored.some((s) => s.name === n));
  const folded = flowNames.map((n) => (validations.get(n) as CrossValidation).logDensities);
  const plan = planEnsemble(flowNames, folded);
  const wins = ensembleWins(plan, best.valNll, folded.map(meanNll));
  const candidates = Object.fromEntries([
    ...scored.map((s) => [s.name, s.valNll] as const),
    ...(plan ? [[ENSEMBLE_PICK, plan.valNll] as const] : []),
  ]);
  const pick: JsonObject = {
    picked: wins ? ENSEMBLE_PICK : best.name,
    candidates,
    reason: wins ? ensembleReason(plan as EnsemblePlan, best, how) : picked.reason,
    folds: cv.folds,
    validationSplits: cv.folds,
    ...(plan ? { ensemble: ensembleRecord(plan) } : {}),
  };
  rmSync(settings.out, { recursive: true, force: true });
  let summary: Record<string, unknown>;
  const everyRow = () => {
    const all = refitRows(rows, cv.folds, settings.seed);
    const { test } = trainingSplits(dataset, {
      seed: settings.seed,
      validationFraction: 0,
      testPath: settings.test,
    });
    const discrete = discreteColumnsFor(settings.discrete ?? 'auto', all, true);
    return { discrete, split: dequantisedSplits({ train: all, test }, discrete, settings.seed) };
  };
  if (wins) {
    const ensemble = plan as EnsemblePlan;
    const dirs = ensemble.flows.map((n) => `${settings.out}.auto-${n}`);
    try {
      for (const [i, name] of ensemble.flows.entries()) {
        await cv.refit(name, dirs[i] as string, validations.get(name) as CrossValidation);
      }
      const { discrete, split } = everyRow();
      summary = await saveEnsemble(ensemble, {
        out: settings.out,
        dirs,
        rows: split,
        discrete,
        fields: { flow: AUTO_FLOW, data: settings.data, backend, ...pick },
        metadata: ensembleMetadata(settings, split.train),
      });
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  } else if (best.name === 'gaussian') {
    const { discrete, split } = everyRow();
    const gaussian = gaussianTableFlow(split.train);
    if (!gaussian) throw new UsageError(`--flow ${AUTO_FLOW}: the table's covariance is singular`);
    try {
      summary = await saveGaussian(settings, backend, gaussian, split, discrete, best.valNll, pick);
    } finally {
      gaussian.dispose();
    }
  } else {
    summary = await cv.refit(best.name, settings.out, validations.get(best.name) as CrossValidation);
    await recordInModel(settings.out, pick);
  }
  reportPick(settings, { ...summary, flow: AUTO_FLOW, ...pick });
}

/**
 * `train --flow auto` on a CSV table: fits the full-covariance Gaussian (closed form) and trains every
 * flow of {@link AUTO_CANDIDATES} on the same training and validation rows, keeps the one with the
 * lowest validation NLL, writes it to `--out`, and says which it picked and why (the JSON adds
 * `picked`, `candidates` — each one's validation NLL — and `reason`). With `crossValidated` (a small
 * table) the candidates are compared by K-fold cross-validation instead.
 */
export async function trainAuto(
  settings: AutoSettings,
  trainCandidate: TrainCandidate,
  crossValidated?: CrossValidatedCandidates,
): Promise<void> {
  const backend = await selectBackend(settings.backend);
  const dataset = openDataset(settings.data, { contextColumns: settings.contextColumns });
  if (dataset.kind !== 'fixed' || dataset.levels || settings.contextColumns) {
    throw new UsageError(
      `--flow ${AUTO_FLOW} picks a model for a CSV table (no context columns); give a flow by name for '${settings.data}'`,
    );
  }
  if (crossValidated) return trainAutoCrossValidated(settings, backend, dataset, crossValidated);
  const rawSplits = trainingSplits(dataset, {
    seed: settings.seed,
    validationFraction: settings.validationFraction,
    testPath: settings.test,
  });
  // Every candidate is scored on the same dequantised rows as `train` uses (src/discrete.ts).
  const discrete = discreteColumnsFor(settings.discrete ?? 'auto', rawSplits.train, true);
  const logVolume = discreteLogVolume(discrete);
  const splits = dequantisedSplits(rawSplits, discrete, settings.seed);
  if (!splits.validation || splits.validation.rows === 0) {
    throw new UsageError(
      `--flow ${AUTO_FLOW} picks by validation NLL: --val-fraction must leave validation rows`,
    );
  }
  const repeats = splits.validation.rows < AUTO_REPEAT_BELOW_ROWS ? AUTO_REPEATS : 1;
  const scored: Scored[] = [];
  const gaussian = gaussianTableFlow(splits.train);
  let gaussianValNll: number | null = null;
  if (gaussian) {
    try {
      gaussianValNll = meanNll(tableLogDensities(gaussian, splits.validation, null, logVolume));
      let valNll = gaussianValNll;
      for (let r = 1; r < repeats; r++) valNll += repeatedGaussianNll(dataset, settings, r);
      valNll /= repeats;
      scored.push({ name: 'gaussian', valNll });
    } catch (e) {
      gaussian.dispose();
      throw e;
    }
  }
  const summaries = new Map<string, CandidateSummary>();
  const candidateDir = (name: string) => `${settings.out}.auto-${name}`;
  try {
    for (const name of AUTO_CANDIDATES) {
      let summary: CandidateSummary;
      let valNll = 0;
      try {
        summary = await trainCandidate(name, candidateDir(name), settings.seed);
        valNll += summary.valNll ?? NaN;
        for (let r = 1; r < repeats; r++) {
          const other = await trainCandidate(name, candidateDir(`${name}-${r}`), settings.seed + r);
          rmSync(candidateDir(`${name}-${r}`), { recursive: true, force: true });
          valNll += other.valNll ?? NaN;
        }
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        if (!settings.quiet && !settings.json) say(`auto: ${name} diverged (${e.message}); left out`);
        continue;
      }
      summaries.set(name, summary);
      valNll /= repeats;
      if (Number.isFinite(valNll)) scored.push({ name, valNll });
    }
    const how = `lowest mean validation NLL over ${repeats} validation split${repeats > 1 ? 's' : ''} of ${splits.validation.rows} rows`;
    const picked = pickBest(scored, how);
    const best = picked.best;
    // The stacked ensemble of the flows, on the run's own validation rows (split `--seed S`).
    const flowNames = AUTO_CANDIDATES.filter((n) => summaries.has(n) && scored.some((s) => s.name === n));
    const held = await savedLogDensities(flowNames.map(candidateDir), splits.validation, logVolume);
    const plan = planEnsemble(flowNames, held);
    const single =
      best.name === 'gaussian'
        ? (gaussianValNll as number)
        : meanNll(held[flowNames.indexOf(best.name)] as Float64Array);
    const wins = ensembleWins(plan, single, held.map(meanNll));
    const candidates = Object.fromEntries([
      ...scored.map((s) => [s.name, s.valNll] as const),
      ...(plan ? [[ENSEMBLE_PICK, plan.valNll] as const] : []),
    ]);
    const pick: JsonObject = {
      picked: wins ? ENSEMBLE_PICK : best.name,
      candidates,
      reason: wins
        ? ensembleReason(
            plan as EnsemblePlan,
            { name: best.name, valNll: single },
            `lowest NLL on the ${splits.validation.rows} validation rows of split ${settings.seed}`,
          )
        : picked.reason,
      validationSplits: repeats,
      ...(plan ? { ensemble: ensembleRecord(plan) } : {}),
    };
    rmSync(settings.out, { recursive: true, force: true });
    let summary: Record<string, unknown>;
    if (wins) {
      const ensemble = plan as EnsemblePlan;
      summary = await saveEnsemble(ensemble, {
        out: settings.out,
        dirs: ensemble.flows.map(candidateDir),
        rows: splits,
        discrete,
        fields: { flow: AUTO_FLOW, data: settings.data, backend, ...pick },
        metadata: ensembleMetadata(settings, splits.train),
      });
    } else if (best.name === 'gaussian') {
      summary = await saveGaussian(
        settings,
        backend,
        gaussian as Flow,
        splits,
        discrete,
        gaussianValNll,
        pick,
      );
    } else {
      renameSync(candidateDir(best.name), settings.out);
      await recordInModel(settings.out, pick);
      summary = { ...(summaries.get(best.name) as CandidateSummary), model: settings.out };
    }
    reportPick(settings, { ...summary, flow: AUTO_FLOW, ...pick });
  } finally {
    gaussian?.dispose();
    for (const name of AUTO_CANDIDATES) {
      for (let r = 0; r < repeats; r++) {
        const dir = candidateDir(r === 0 ? name : `${name}-${r}`);
        if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}
