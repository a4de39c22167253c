import { flowMixture, type Flow, type JsonObject } from '@bijective/core';
import { loadFlowFromDirectory, saveFlowToDirectory } from '@bijective/core/node';
import type { Table } from '@bijective/datasets';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { discreteLogVolume, type DiscreteColumn } from './discrete.js';
import { crossFittedMixture, keptComponents } from './ensemble.js';
import { writeFileAtomic } from './files.js';
import { lossCsv } from './loss-history.js';
import { QUANTILE_LEVELS, quantilesOf } from './quantiles.js';
import { tableLogDensities } from './scoring.js';

/** The ensemble `--flow auto` weighs against the best single flow: which flows, their weights, its held-out NLL. */
export interface EnsemblePlan {
  /** The flows kept (stacked weight at least `MIN_ENSEMBLE_WEIGHT`), in candidate order. */
  flows: string[];
  /** Their weights, summing to 1. */
  weights: number[];
  /** The mixture's cross-fitted held-out NLL (weights fitted without the rows scored). */
  valNll: number;
  /** Each held-out row's cross-fitted mixture log-density. */
  logDensities: Float64Array;
}

const meanNll = (logProb: Float64Array): number => -logProb.reduce((a, b) => a + b, 0) / logProb.length;

/**
 * The stacked ensemble of the flows whose held-out log-densities are `columns` (aligned rows), or
 * null with fewer than two flows or when stacking keeps only one.
 */
export function planEnsemble(
  names: readonly string[],
  columns: readonly Float64Array[],
): EnsemblePlan | null {
  if (names.length < 2 || columns.some((c) => c.length !== (columns[0] as Float64Array).length)) return null;
  const fitted = crossFittedMixture(columns);
  const kept = keptComponents(fitted.weights);
  if (kept.indices.length < 2 || !Number.isFinite(fitted.nll)) return null;
  return {
    flows: kept.indices.map((i) => names[i] as string),
    weights: kept.weights.map((w) => Number(w.toPrecision(6))),
    valNll: fitted.nll,
    logDensities: fitted.logDensities,
  };
}

/** How the ensemble is recorded in the JSON and in model.json (`ensemble`). */
export function ensembleRecord(plan: EnsemblePlan): JsonObject {
  return { flows: [...plan.flows], weights: [...plan.weights], valNll: plan.valNll };
}

/** What {@link saveEnsemble} writes beside the mixture: the rows it scores and the run's fields. */
export interface EnsembleSave {
  /** `--out`. */
  out: string;
  /** The component models' directories, in `plan.flows` order. */
  dirs: string[];
  /** Training rows (dequantised as the components saw them) and test rows, or null. */
  rows: { train: Table; test: Table | null };
  /** The table's dequantised discrete columns. */
  discrete: DiscreteColumn[];
  /** Fields every summary has (`flow`, `data`, `backend`, ...), and the pick. */
  fields: JsonObject;
  /** Fields only model.json keeps (`columns`, `discrete`, ...). */
  metadata: JsonObject;
}

/**
 * Writes the ensemble to `out` as one model file: the component models are loaded from their
 * directories and mixed with the plan's weights (core's `flow-mixture`), its training and test
 * NLLs are scored, and its summary (the JSON of `train`) is returned.
 */
export async function saveEnsemble(plan: EnsemblePlan, save: EnsembleSave): Promise<JsonObject> {
  const loaded: { flow: Flow; metadata: JsonObject }[] = [];
  let mixture: Flow | undefined;
  try {
    for (const dir of save.dirs) loaded.push(await loadFlowFromDirectory(dir));
    mixture = flowMixture(
      loaded.map((l) => l.flow),
      plan.weights,
    );
    const logVolume = discreteLogVolume(save.discrete);
    const train = tableLogDensities(mixture, save.rows.train, null, logVolume);
    const trainNll = meanNll(train);
    const steps = loaded.reduce(
      (a, l) => a + (typeof l.metadata.steps === 'number' ? l.metadata.steps : 0),
      0,
    );
    const first = loaded[0]?.metadata ?? {};
    const summary: JsonObject = {
      ...save.fields,
      dims: save.rows.train.cols,
      steps,
      batch: typeof first.batch === 'number' ? first.batch : 0,
      trainLoss: trainNll,
      trainNll,
      valNll: plan.valNll,
      testNll: save.rows.test ? meanNll(tableLogDensities(mixture, save.rows.test, null, logVolume)) : null,
      discreteColumns: save.discrete.map((c) => ({ column: c.column, resolution: c.resolution })),
      model: save.out,
    };
    await saveFlowToDirectory(mixture, save.out, {
      ...summary,
      ...save.metadata,
      preprocess: typeof first.preprocess === 'string' ? first.preprocess : 'whiten',
      marginal: typeof first.marginal === 'string' ? first.marginal : 'none',
      components: loaded.map((l, i) => ({
        flow: plan.flows[i] as string,
        weight: plan.weights[i] as number,
        steps: typeof l.metadata.steps === 'number' ? l.metadata.steps : null,
        flowOptions: (l.metadata.flowOptions as JsonObject | undefined) ?? null,
        learningRate: typeof l.metadata.learningRate === 'number' ? l.metadata.learningRate : null,
      })),
      logDensity: {
        levels: [...QUANTILE_LEVELS],
        train: quantilesOf(train),
        validation: quantilesOf(plan.logDensities),
      },
      created: new Date().toISOString(),
    });
    writeFileAtomic(path.join(save.out, 'loss.csv'), lossCsv([]));
    return summary;
  } finally {
    mixture?.dispose();
    for (const l of loaded) l.flow.dispose();
  }
}

/**
 * Adds `fields` (the pick of `--flow auto`) to the metadata of the model in `dir`, through core's
 * model-file io (the model is loaded and saved again); the directory's other files are kept.
 */
export async function recordInModel(dir: string, fields: JsonObject): Promise<void> {
  const others = readdirSync(dir)
    .filter((name) => name !== 'model.json' && name !== 'weights.bin')
    .filter((name) => statSync(path.join(dir, name)).isFile())
    .map((name) => ({ name, data: readFileSync(path.join(dir, name)) }));
  const { flow, metadata } = await loadFlowFromDirectory(dir);
  try {
    await saveFlowToDirectory(flow, dir, { ...metadata, ...fields });
  } finally {
    flow.dispose();
  }
  for (const f of others) writeFileAtomic(path.join(dir, f.name), f.data);
}
