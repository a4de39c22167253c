import { loadFlowFromDirectory } from '@bijective/core/node';
import { BijectiveError, type Flow, type JsonObject } from '@bijective/core';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { missingPluginHint, type LoadedPlugin } from './plugins.js';
import { UsageError } from './usage-error.js';
import { recordedDiscreteColumns, type DiscreteColumn } from './discrete.js';

/** A model directory written by `train`: the flow and what `train` recorded about it. */
export interface SavedModel {
  /** The flow, in the data's units. */
  flow: Flow;
  /** Event size. */
  dims: number;
  /** Quantisation levels of image data (rows are dequantised before scoring), or null. */
  levels: number | null;
  /** Discrete columns `train` dequantised (metadata `discreteColumns`; none for other models). */
  discrete: DiscreteColumn[];
  /** CSV columns used as context, or null for unconditional models. */
  contextColumns: number[] | null;
  /** Classes of a class-conditional model (`train --class-conditional`: one-hot labels as context), or null. */
  classes: number | null;
  /** Everything `train` recorded. */
  metadata: JsonObject;
}

/** The plugins `train` recorded in a model directory's metadata (none when unreadable). */
function recordedPlugins(dir: string): LoadedPlugin[] {
  try {
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      metadata?: { plugins?: LoadedPlugin[] };
      userDefinedMetadata?: { plugins?: LoadedPlugin[] };
    };
    const plugins = (json.metadata ?? json.userDefinedMetadata)?.plugins;
    return Array.isArray(plugins) ? plugins : [];
  } catch {
    return [];
  }
}

/**
 * Loads `--model DIR`, with a usage error when the directory does not exist; a model that names an
 * unregistered component says which plugin module to load.
 */
export async function openModel(dir: string): Promise<SavedModel> {
  if (!existsSync(dir)) throw new UsageError(`model directory '${dir}' does not exist`);
  let loaded: Awaited<ReturnType<typeof loadFlowFromDirectory>>;
  try {
    loaded = await loadFlowFromDirectory(dir);
  } catch (e) {
    const hint = e instanceof BijectiveError ? missingPluginHint(e.message, recordedPlugins(dir)) : null;
    if (hint) throw new UsageError(`${e instanceof Error ? e.message : String(e)}; ${hint}`);
    throw e;
  }
  const { flow, metadata } = loaded;
  const levels = typeof metadata.levels === 'number' ? metadata.levels : null;
  const contextColumns = Array.isArray(metadata.contextColumns)
    ? (metadata.contextColumns as number[])
    : null;
  const classes = typeof metadata.classes === 'number' ? metadata.classes : null;
  const dims = flow.eventShape.reduce((a, b) => a * b, 1);
  let discrete: DiscreteColumn[];
  try {
    discrete = recordedDiscreteColumns(metadata, dims);
  } catch (e) {
    flow.dispose();
    throw e;
  }
  return {
    flow,
    dims,
    levels,
    discrete,
    contextColumns,
    classes,
    metadata,
  };
}
