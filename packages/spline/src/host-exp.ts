/** 2^(i - 1076) for i = 0, ..., 1076 (2^-1076 rounds to 0). */
const POW2 = new Float64Array(1077);
for (let i = 1076, p = 1; i >= 0; i--, p /= 2) POW2[i] = p;

/**
 * e^x for x <= 0 in float64, within 1 ulp of Math.exp: fdlibm's e_exp (x = k·ln2 + r, |r| <= ln2/2,
 * e^r from its Remez polynomial), which the JIT inlines where Math.exp is a call; 0 below -745.2.
 */
export function expNonPositive(x: number): number {
  // Local constants: the JIT folds these, where module-level ones are loads.
  const invLn2 = 1.4426950408889634;
  const ln2Hi = 6.9314718036912381649e-1;
  const ln2Lo = 1.90821492927058770002e-10;
  const round = 6755399441055744; // 1.5·2^52: x + round - round is x rounded to an integer
  if (!(x >= -745.2)) return x === x ? 0 : x;
  const k = x * invLn2 + round - round;
  const hi = x - k * ln2Hi;
  const lo = k * ln2Lo;
  const r = hi - lo;
  const t = r * r;
  const c =
    r -
    t *
      (1.66666666666666019037e-1 +
        t *
          (-2.77777777770155933842e-3 +
            t *
              (6.61375632143793436117e-5 + t * (-1.6533902205465251539e-6 + t * 4.13813679705723846039e-8))));
  return (1 - (lo - (r * c) / (2 - c) - hi)) * (POW2[(k | 0) + 1076] as number);
}
