/**
 * Messages between the page (main.ts) and the training worker (worker.ts).
 * @module
 */

import type { BaseInfo, FamilyInfo } from './registry-info.js';

/** 2-D toy datasets the page offers, by registry name. */
export const DATASETS = ['moons', '8gaussians', 'checkerboard', '2spirals', 'circles', 'pinwheel'] as const;
/** Data that are not a toy: points drawn on the canvas, or a CSV file dropped on the page. */
export const OWN_DATA = ['drawn', 'csv'] as const;
/** Backends the page offers. */
export const BACKENDS = ['webgl', 'webgpu', 'wasm', 'cpu'] as const;

/** The user's own rows: drawn points (n x 2, row-major) or a CSV file's text. */
export type OwnData = { kind: 'drawn'; points: Float32Array } | { kind: 'csv'; name: string; text: string };

/** One training run's settings (all from the form or the URL). */
export interface RunConfig {
  flow: string;
  /** The flow's options as the form holds them (strings by option key; empty: the default). */
  flowOptions: Record<string, string>;
  /** The base distribution (a registered distribution name). */
  base: string;
  /** A toy dataset's registry name, or `drawn` / `csv` with `own` holding the rows. */
  data: string;
  own?: OwnData;
  steps: number;
  learningRate: number;
  batchSize: number;
  seed: number;
  backend: string;
  /** Absolute URL of the folder holding tfjs's .wasm binaries. */
  wasmPaths: string;
}

/** Page to worker. */
export type ToWorker =
  | { type: 'start'; config: RunConfig }
  | { type: 'stop' }
  /** Parse and show the config's own data (a dropped CSV file) without training. */
  | { type: 'preview'; config: RunConfig }
  | { type: 'save' }
  | { type: 'load'; config: RunConfig; files: Record<string, ArrayBuffer> }
  | { type: 'load-url'; config: RunConfig; url: string };

/**
 * A density picture: `grid` holds log p at `size x size` points spanning `extent` (row 0 at the top;
 * empty when the data have more than two columns); `samples` the first two columns, n x 2.
 */
export interface View {
  size: number;
  extent: [number, number, number, number];
  grid: Float32Array;
  samples: Float32Array;
}

/** Worker to page. */
export type FromWorker =
  | { type: 'registry'; families: FamilyInfo[]; bases: BaseInfo[] }
  | { type: 'backend'; name: string; skipped: string[] }
  | {
      type: 'data';
      /** The first two columns of up to 1000 training rows, n x 2. */
      points: Float32Array;
      extent: [number, number, number, number];
      /** Columns trained on (the pictures show the first two). */
      cols: number;
      /** Rows in the training, validation and test parts. */
      rows: [number, number, number];
    }
  | {
      type: 'progress';
      step: number;
      totalSteps: number;
      /** (step, loss) of the steps since the last message. */
      losses: [number, number][];
      /** (step, validation NLL) of the validation passes since the last message. */
      validations: [number, number][];
      stepsPerSecond: number;
    }
  | ({ type: 'view' } & View)
  | { type: 'done'; testNll: number; steps: number; stopReason: string; secondsPerStep: number }
  | {
      type: 'inside';
      /** Per stage (data side first, base last): the data pushed towards the base, row-major n x 2. */
      data: Float32Array[];
      /** Per stage, the same order: base samples pulled towards the data. */
      samples: Float32Array[];
      /** The link names between stages (data side first). */
      links: string[];
    }
  | { type: 'stopped' }
  | { type: 'saved'; files: Record<string, ArrayBuffer> }
  | { type: 'loaded'; testNll: number; flow: string }
  | { type: 'error'; message: string };
