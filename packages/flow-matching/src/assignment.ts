import { ValueError } from '@bijective/core';

/**
 * The optimal assignment of a square cost matrix by the Hungarian algorithm (Kuhn 1955; Munkres 1957)
 * in its O(n³) shortest-augmenting-path form with row and column potentials: the permutation σ
 * minimising Σ_i C[i, σ(i)]. `cost` is row-major `n × n`; returns σ as column indices by row.
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
  // 1-based arrays; column 0 is the virtual column the augmenting path starts from.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOf = new Int32Array(n + 1); // rowOf[j]: the row assigned to column j (0: none)
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0] as number;
      const base = (i0 - 1) * n - 1;
      const ui0 = u[i0] as number;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const reduced = (cost[base + j] as number) - ui0 - (v[j] as number);
        if (reduced < (minv[j] as number)) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOf[j] as number]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      rowOf[j0] = rowOf[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Int32Array(n);
  for (let j = 1; j <= n; j++) assignment[(rowOf[j] as number) - 1] = j - 1;
  return assignment;
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
