import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '@bijective/core';

/** Throws a {@link ValueError} naming `what` and the first bad row when a tensor holds NaN or ±Inf. */
export function checkFinite(t: tf.Tensor, what: string): void {
  const bad = tf.tidy(() => tf.logicalNot(tf.isFinite(t)));
  const flags = bad.dataSync();
  bad.dispose();
  const index = flags.indexOf(1);
  if (index < 0) return;
  const rowSize = t.size / (t.shape[0] ?? 1);
  throw new ValueError(`${what}: row ${Math.floor(index / rowSize)} holds a NaN or infinite value`);
}
