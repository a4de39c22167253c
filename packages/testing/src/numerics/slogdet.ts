import { luDecompose, type HostMatrix } from '@bijective/core';

/** sign(det A) and log|det A| from the LU factors, summing logs of |U_ii| (no product overflow). */
export function slogdet(a: HostMatrix): { sign: number; logAbsDet: number } {
  const { upper, permutationSign } = luDecompose(a);
  let sign: number = permutationSign;
  let logAbsDet = 0;
  upper.forEach((row, i) => {
    const d = row[i]!;
    if (d === 0) sign = 0;
    sign *= Math.sign(d);
    logAbsDet += Math.log(Math.abs(d));
  });
  return { sign, logAbsDet: sign === 0 ? -Infinity : logAbsDet };
}
