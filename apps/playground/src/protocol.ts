/**
 * Messages between the page (main.ts) and the training worker (worker.ts).
 * @module
 */

/** Flow families the page offers, by registry name. */
export const FAMILIES = ['realnvp', 'maf', 'nsf', 'planar'] as const;
/** 2-D toy datasets the page offers, by registry name. */
export const DATASETS = ['moons', '8gaussians', 'checkerboard', '2spirals', 'circles', 'pinwheel'] as const;
/** Backends the page offers. */
export const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;

/** One training run's settings (all from the form or the URL). */
export interface RunConfig {
  flow: string;
  data: string;
  steps: number;
  learningRate: number;
  layers: number;
  hidden: number;
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
  | { type: 'save' }
  | { type: 'load'; config: RunConfig; files: Record<string, ArrayBuffer> }
  | { type: 'load-url'; config: RunConfig; url: string };

/** A density picture: `grid` holds log p at `size x size` points spanning `extent` (row 0 at the top). */
export interface View {
  size: number;
  extent: [number, number, number, number];
  grid: Float32Array;
  samples: Float32Array;
}

/** Worker to page. */
export type FromWorker =
  | { type: 'backend'; name: string; skipped: string[] }
  | { type: 'data'; points: Float32Array; extent: [number, number, number, number] }
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
