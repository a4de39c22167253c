import { randomPermutation } from './random.js';

/**
 * Endless shuffled minibatch indices over `n` rows: a fresh seeded permutation each epoch.
 */
export class MinibatchSampler {
  private order: number[] = [];
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
      this.order = randomPermutation(this.n, this.seed + 7919 * this.epoch++);
      this.position = 0;
    }
    const batch = Int32Array.from(this.order.slice(this.position, this.position + size));
    this.position += size;
    return batch;
  }
}
