/** 2^(i - 1076) for i = 0, ..., 1076 (2^-1076 and 2^-1075 round to 0). */
const POW2 = new Float64Array(1077);
for (let i = 1076, p = 1; i >= 0; i--, p /= 2) POW2[i] = p;

/** 2^(j/64) = STEPS[j] + TAILS[j], j < 64: STEPS[j] rounded to float64, TAILS[j] the rest. */
const STEPS = new Float64Array(64);
const TAILS = new Float64Array(64);
for (let j = 0; j < 64; j++) {
  // m ≈ 2^(j/64)·2^110 by Newton's method on m^64 = 2^(j + 64·110) in integers, from the float64 guess.
  const target = 1n << BigInt(j + 64 * 110);
  let m = BigInt(Math.round(2 ** (j / 64 + 52))) << 58n;
  for (let i = 0; i < 3; i++) m = (63n * m + target / m ** 63n) / 64n;
  const step = Number(m) / 2 ** 110;
  STEPS[j] = step;
  TAILS[j] = Number(m - (BigInt(step * 2 ** 52) << 58n)) / 2 ** 110;
}

/**
 * e^x for x <= 0 in float64, within 1 ulp of Math.exp, inlined by the JIT where Math.exp is a call:
 * x = (64e + j)·ln2/64 + r with |r| <= ln2/128, e^x = 2^e·2^(j/64)·(1 + q), q = e^r - 1 by its
 * Taylor polynomial to r⁵ (remainder below 2^-54) and 2^(j/64) to twice float64's precision; no
 * division. 0 below -745.2.
 */
export function expNonPositive(x: number): number {
  // Local constants: the JIT folds these, where module-level ones are loads.
  const invStep = 92.33248261689366; // 64/ln2
  const stepHi = 6.9314718036912381649e-1 / 64; // ln2/64 in 32 bits: kd·stepHi is exact
  const stepLo = 1.90821492927058770002e-10 / 64; // ln2/64 - stepHi
  const round = 6755399441055744; // 1.5·2^52: x + round - round is x rounded to an integer
  if (!(x >= -745.2)) return x === x ? 0 : x;
  const kd = x * invStep + round - round;
  const k = kd | 0;
  const r = x - kd * stepHi - kd * stepLo;
  const q = r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  const j = k & 63;
  const t = STEPS[j] as number;
  return (t + ((TAILS[j] as number) + t * q)) * (POW2[(k >> 6) + 1076] as number);
}
