import { ValueError } from '../errors.js';

/**
 * A square float64 matrix as rows.
 * @internal
 */
export type HostMatrix = readonly (readonly number[])[];

/**
 * P A = L U with partial pivoting: `permutation[i]` is the row of A that becomes row i of P A.
 * @internal
 */
export interface LuDecomposition {
  /** Unit lower-triangular factor L. */
  lower: number[][];
  /** Upper-triangular factor U. */
  upper: number[][];
  /** Row order of P A. */
  permutation: number[];
  /** det(P): +1 or -1. */
  permutationSign: 1 | -1;
}

function checkSquare(a: HostMatrix, what: string): number {
  const n = a.length;
  if (n === 0 || a.some((row) => row.length !== n))
    throw new ValueError(`${what}: expected a non-empty square matrix`);
  return n;
}

/**
 * LU decomposition with partial pivoting in float64 (Golub & Van Loan, Alg. 3.4.1).
 * @internal
 */
export function luDecompose(a: HostMatrix): LuDecomposition {
  const n = checkSquare(a, 'luDecompose');
  const m = a.map((row) => [...row]);
  const permutation = Array.from({ length: n }, (_, i) => i);
  let permutationSign: 1 | -1 = 1;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[pivot]![k]!)) pivot = i;
    if (pivot !== k) {
      [m[k], m[pivot]] = [m[pivot]!, m[k]!];
      [permutation[k], permutation[pivot]] = [permutation[pivot]!, permutation[k]!];
      permutationSign = permutationSign === 1 ? -1 : 1;
    }
    const akk = m[k]![k]!;
    if (akk === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const f = m[i]![k]! / akk;
      m[i]![k] = f;
      for (let j = k + 1; j < n; j++) m[i]![j] = m[i]![j]! - f * m[k]![j]!;
    }
  }
  const lower = m.map((row, i) => row.map((v, j) => (j < i ? v : j === i ? 1 : 0)));
  const upper = m.map((row, i) => row.map((v, j) => (j >= i ? v : 0)));
  return { lower, upper, permutation, permutationSign };
}
