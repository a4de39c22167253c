import { ValueError } from '@bijective/core';

/**
 * The optimal assignment of a square cost matrix by the Hungarian algorithm (Kuhn 1955; Munkres 1957)
 * in its O(n³) shortest-augmenting-path form with row and column potentials, started from Jonker &
 * Volgenant's (1987) column reduction and arranged as Crouse (2016) does: each free row's Dijkstra
 * search scans only the columns not yet reached, and the potentials are updated once per augmentation. Returns the permutation σ minimising Σ_i C[i, σ(i)] as column
 * indices by row; `cost` is row-major `n × n` without NaN.
 *
 * @example
 * ```ts
 * import { optimalAssignment } from '@bijective/flow-matching';
 *
 * // Row 0 is cheapest at column 1, row 1 at column 0.
 * console.log(optimalAssignment(Float64Array.from([4, 1, 2, 5]), 2)); // [1, 0]
 * ```
 */
export function optimalAssignment(cost: ArrayLike<number>, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || cost.length !== n * n) {
    throw new ValueError(`optimalAssignment: cost has ${cost.length} entries, not ${n} × ${n}`);
  }
  for (let k = 0; k < cost.length; k++) {
    if (Number.isNaN(cost[k])) throw new ValueError(`optimalAssignment: cost entry ${k} is NaN`);
  }
  const u = new Float64Array(n); // row potentials
  const v = new Float64Array(n); // column potentials
  const columnOf = new Int32Array(n).fill(-1);
  const rowOf = new Int32Array(n).fill(-1);
  const path = new Int32Array(n); // path[j]: the row before column j on the shortest path
  const distance = new Float64Array(n); // shortest reduced length of a path to column j
  const remaining = new Int32Array(n); // columns not yet reached, the first `left` of them
  const rowReached = new Uint8Array(n);
  const columnReached = new Uint8Array(n);
  // Column reduction (Jonker & Volgenant 1987): v_j = min_i C[i, j] with u = 0 is feasible, and each
  // column's cheapest row, if still free, takes it; about 1 − 1/e of the rows of a random matrix
  // start matched, and only the rest need a search.
  for (let j = n - 1; j >= 0; j--) {
    let best = 0;
    for (let i = 1; i < n; i++) if ((cost[i * n + j] as number) < (cost[best * n + j] as number)) best = i;
    v[j] = cost[best * n + j] as number;
    if (columnOf[best] === -1) {
      columnOf[best] = j;
      rowOf[j] = best;
    }
  }
  for (let start = 0; start < n; start++) {
    if (columnOf[start] !== -1) continue;
    distance.fill(Infinity);
    rowReached.fill(0);
    columnReached.fill(0);
    for (let k = 0; k < n; k++) remaining[k] = n - 1 - k;
    let left = n;
    let i = start;
    let sink = -1;
    let reached = 0; // the length of the shortest path found so far
    while (sink === -1) {
      rowReached[i] = 1;
      const base = i * n;
      const ui = u[i] as number;
      let lowest = Infinity;
      let index = -1;
      for (let k = 0; k < left; k++) {
        const j = remaining[k] as number;
        const r = reached + (cost[base + j] as number) - ui - (v[j] as number);
        if (r < (distance[j] as number)) {
          path[j] = i;
          distance[j] = r;
        }
        const dj = distance[j] as number;
        // Ties go to a free column: the search ends sooner.
        if (dj < lowest || (dj === lowest && rowOf[j] === -1)) {
          lowest = dj;
          index = k;
        }
      }
      reached = lowest;
      const j = remaining[index] as number;
      if (rowOf[j] === -1) sink = j;
      else i = rowOf[j] as number;
      columnReached[j] = 1;
      remaining[index] = remaining[--left] as number;
    }
    u[start] = (u[start] as number) + reached;
    for (let r = 0; r < n; r++) {
      if (rowReached[r] && r !== start) {
        u[r] = (u[r] as number) + reached - (distance[columnOf[r] as number] as number);
      }
    }
    for (let j = 0; j < n; j++) {
      if (columnReached[j]) v[j] = (v[j] as number) - reached + (distance[j] as number);
    }
    // Augment along the path back from the sink.
    let j = sink;
    for (;;) {
      const r = path[j] as number;
      rowOf[j] = r;
      const previous = columnOf[r] as number;
      columnOf[r] = j;
      j = previous;
      if (r === start) break;
    }
  }
  return columnOf;
}

/**
 * The mini-batch optimal-transport coupling of Tong et al. (2023): for noise rows x_0 and data rows
 * x_1 (row-major `n × d`), the permutation σ minimising Σ_i ‖x_0[σ(i)] − x_1[i]‖², exact (the
 * Hungarian algorithm on the squared-distance matrix). Pairs (x_0[σ(i)], x_1[i]) are the coupled draws.
 * A batch larger than `block` rows is coupled block by block (rows [0, block), [block, 2·block), …,
 * each block's noise to its data): the exact coupling of each block, at O(n · block²) in all.
 * @internal
 */
export function minibatchOtPairing(
  x0: ArrayLike<number>,
  x1: ArrayLike<number>,
  n: number,
  d: number,
  block: number = n,
): Int32Array {
  const pairing = new Int32Array(n);
  for (let start = 0; start < n; start += block) {
    const m = Math.min(block, n - start);
    const cost = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const diff = (x1[(start + i) * d + k] as number) - (x0[(start + j) * d + k] as number);
          s += diff * diff;
        }
        cost[i * m + j] = s;
      }
    }
    const sigma = optimalAssignment(cost, m);
    for (let i = 0; i < m; i++) pairing[start + i] = start + (sigma[i] as number);
  }
  return pairing;
}
