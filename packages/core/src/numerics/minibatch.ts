import { shuffledIndices } from './random.js';

/** Where the shuffled minibatch stream stands: epochs begun and the position in the current one. */
export interface SamplerState {
  /** Epochs begun (each shuffles with seed + 7919 · epoch). */
  epoch: number;
  /** Rows of the current epoch already served. */
  position: number;
}

/** Endless shuffled minibatch indices over `n` rows: a fresh seeded permutation each epoch. */
export class MinibatchSampler {
  private order: Int32Array = new Int32Array(0);
  private position = 0;
  private epoch = 0;

  /** Samples batches of `batchSize` (at most `n`) rows from `n`. */
  constructor(
    private readonly n: number,
    private readonly batchSize: number,
    private readonly seed: number,
  ) {}

  /** Indices of the next minibatch; an epoch's remainder is dropped so every batch has the same size. */
  next(): Int32Array {
    const size = Math.min(this.batchSize, this.n);
    if (this.position + size > this.order.length) {
      this.order = shuffledIndices(this.n, this.seed + 7919 * this.epoch++);
      this.position = 0;
    }
    const batch = this.order.slice(this.position, this.position + size);
    this.position += size;
    return batch;
  }

  /** Where the stream stands (for a checkpoint). */
  state(): SamplerState {
    return { epoch: this.epoch, position: this.position };
  }

  /** Continues from a {@link state} of a sampler over the same rows, batch size and seed. */
  restore(saved: SamplerState): void {
    this.epoch = saved.epoch;
    this.position = saved.position;
    this.order =
      saved.epoch > 0 ? shuffledIndices(this.n, this.seed + 7919 * (saved.epoch - 1)) : new Int32Array(0);
  }
}
