// Stacked density estimation for `train --flow auto` (Smyth & Wolpert 1999): the weights of a
// mixture of already fitted flows, chosen by EM on held-out log-densities, and an honest estimate
// of the mixture's held-out NLL by cross-fitting those weights.

/** Components whose stacked weight falls below this are left out of the ensemble (and not refitted). */
export const MIN_ENSEMBLE_WEIGHT = 0.02;

/** EM iterations of {@link stackingWeights}. */
export const STACKING_ITERATIONS = 500;

/** Blocks of held-out rows {@link crossFittedMixture} fits the weights without. */
export const STACKING_BLOCKS = 5;

/** A row's log-density, with NaN read as −∞ (the component gives the row no density). */
const finite = (v: number): number => (Number.isNaN(v) ? -Infinity : v);

/** log Σ_k w_k exp(ℓ_k) of one row, stably; −∞ when every term is. */
function rowLogMixture(columns: readonly Float64Array[], weights: readonly number[], i: number): number {
  let top = -Infinity;
  for (let k = 0; k < columns.length; k++) {
    if ((weights[k] as number) > 0) top = Math.max(top, finite((columns[k] as Float64Array)[i] as number));
  }
  if (top === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < columns.length; k++) {
    const w = weights[k] as number;
    if (w > 0) sum += w * Math.exp(finite((columns[k] as Float64Array)[i] as number) - top);
  }
  return top + Math.log(sum);
}

/** Each row's mixture log-density log Σ_k w_k p_k(x_i), from the components' log-densities `columns[k][i]`. */
export function mixtureLogDensities(
  columns: readonly Float64Array[],
  weights: readonly number[],
): Float64Array {
  const n = columns[0]?.length ?? 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rowLogMixture(columns, weights, i);
  return out;
}

/**
 * The mixture weights that maximise Σ_i log Σ_k w_k p_k(x_i) over the rows `rows` (all when
 * absent) with the component densities fixed, by EM (Dempster, Laird & Rubin 1977): w_k ← mean_i
 * r_ik with responsibilities r_ik = w_k p_k(x_i) / Σ_j w_j p_j(x_i), from equal weights. The
 * objective is concave in w, so EM climbs to its maximum.
 */
export function stackingWeights(
  columns: readonly Float64Array[],
  rows?: readonly number[],
  iterations = STACKING_ITERATIONS,
): number[] {
  const k = columns.length;
  const used = rows ?? Array.from({ length: columns[0]?.length ?? 0 }, (_, i) => i);
  let weights = Array.from({ length: k }, () => 1 / k);
  if (k < 2 || used.length === 0) return weights;
  for (let it = 0; it < iterations; it++) {
    const next = new Array<number>(k).fill(0);
    let counted = 0;
    for (const i of used) {
      const log = rowLogMixture(columns, weights, i);
      if (!Number.isFinite(log)) continue;
      counted++;
      for (let j = 0; j < k; j++) {
        const w = weights[j] as number;
        if (w > 0)
          next[j] =
            (next[j] as number) + w * Math.exp(finite((columns[j] as Float64Array)[i] as number) - log);
      }
    }
    if (counted === 0) return weights;
    const updated = next.map((v) => v / counted);
    const change = updated.reduce((a, w, j) => Math.max(a, Math.abs(w - (weights[j] as number))), 0);
    weights = updated;
    if (change < 1e-9) break;
  }
  return weights;
}

/** The ensemble's held-out estimate: weights fitted without each block, scored on it. */
export interface CrossFitted {
  /** Mean held-out NLL of the mixture over every row, each row's weights fitted without its block. */
  nll: number;
  /** Each row's held-out mixture log-density. */
  logDensities: Float64Array;
  /** The weights fitted on every row (the ensemble's). */
  weights: number[];
}

/**
 * Stacking by cross-fitting: the rows (held-out log-densities of each component, in a random order)
 * are cut into `blocks` contiguous blocks; each block is scored by the mixture whose weights EM
 * fitted on the other blocks, so the NLL estimate does not reward the weights for fitting the rows
 * they are scored on. The returned weights are fitted on every row.
 */
export function crossFittedMixture(columns: readonly Float64Array[], blocks = STACKING_BLOCKS): CrossFitted {
  const n = columns[0]?.length ?? 0;
  const parts = Math.max(1, Math.min(blocks, n));
  const logDensities = new Float64Array(n);
  for (let b = 0; b < parts; b++) {
    const from = Math.floor((b * n) / parts);
    const to = Math.floor(((b + 1) * n) / parts);
    const others = Array.from({ length: n }, (_, i) => i).filter((i) => i < from || i >= to);
    const weights = stackingWeights(columns, parts > 1 ? others : undefined);
    for (let i = from; i < to; i++) logDensities[i] = rowLogMixture(columns, weights, i);
  }
  const nll = n === 0 ? NaN : -logDensities.reduce((a, v) => a + v, 0) / n;
  return { nll, logDensities, weights: stackingWeights(columns) };
}

/** The weights without the components under {@link MIN_ENSEMBLE_WEIGHT}, renormalised; the kept indices. */
export function keptComponents(weights: readonly number[]): { indices: number[]; weights: number[] } {
  const indices = weights.flatMap((w, i) => (w >= MIN_ENSEMBLE_WEIGHT ? [i] : []));
  const total = indices.reduce((a, i) => a + (weights[i] as number), 0);
  return { indices, weights: indices.map((i) => (weights[i] as number) / total) };
}
