import { loadFlowFromDirectory } from '@bijective/core/node';
import type { Flow, JsonObject } from '@bijective/core';
import { existsSync } from 'node:fs';
import { UsageError } from './usage-error.js';

/** A model directory written by `train`: the flow and what `train` recorded about it. */
export interface SavedModel {
  /** The flow, in the data's units. */
  flow: Flow;
  /** Event size. */
  dims: number;
  /** Quantisation levels of image data (rows are dequantised before scoring), or null. */
  levels: number | null;
  /** CSV columns used as context, or null for unconditional models. */
  contextColumns: number[] | null;
  /** Everything `train` recorded. */
  metadata: JsonObject;
}

/** Loads `--model DIR`, with a usage error when the directory does not exist. */
export async function openModel(dir: string): Promise<SavedModel> {
  if (!existsSync(dir)) throw new UsageError(`model directory '${dir}' does not exist`);
  const { flow, metadata } = await loadFlowFromDirectory(dir);
  const levels = typeof metadata.levels === 'number' ? metadata.levels : null;
  const contextColumns = Array.isArray(metadata.contextColumns)
    ? (metadata.contextColumns as number[])
    : null;
  return { flow, dims: flow.eventShape.reduce((a, b) => a * b, 1), levels, contextColumns, metadata };
}
