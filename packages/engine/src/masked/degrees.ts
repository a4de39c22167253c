import {
  OptionError,
  defaultText,
  option,
  randomPermutation,
  type OptionField,
  previewJson,
} from '@bijective/core';

/** How MADE orders its inputs: natural 1..D, its reversal, a seeded random permutation, or explicit degrees. */
export type InputOrder = 'natural' | 'reversed' | 'random' | number[];

/**
 * Input degrees m₀(k) ∈ {1..D} of MADE (Germain et al. 2015, §4): output k may depend only on inputs
 * j with m₀(j) < m₀(k). `natural` gives m₀(k) = k + 1, `reversed` D - k, `random` a permutation drawn
 * from `seed`; an explicit list must be a permutation of 1..D.
 */
export function inputDegrees(size: number, order: InputOrder, seed = 0): number[] {
  if (Array.isArray(order)) {
    const sorted = [...order].sort((a, b) => a - b);
    if (order.length !== size || !sorted.every((m, i) => m === i + 1)) {
      throw new OptionError(
        `MADE: an explicit order must list each degree 1..${size} exactly once, got ${previewJson(order)}`,
      );
    }
    return [...order];
  }
  switch (order) {
    case 'natural':
      return Array.from({ length: size }, (_, k) => k + 1);
    case 'reversed':
      return Array.from({ length: size }, (_, k) => size - k);
    case 'random':
      return randomPermutation(size, seed).map((p) => p + 1);
    default:
      throw new OptionError(
        `MADE: order must be 'natural', 'reversed', 'random' or a list of degrees, got ${previewJson(order)}`,
      );
  }
}

/**
 * Hidden degrees of MADE (Germain et al. 2015): m_l(k) = (k mod max(1, D - 1)) + 1 ∈ {1..max(1, D-1)},
 * so that every degree below D is represented (given enough units) and each output can see every
 * earlier input. A conditional MADE uses m_l(k) = k mod D ∈ {0..D-1} instead: units of degree 0 read
 * only the context (which enters the first layer unmasked) and feed every output, so that even the
 * first dimension in the order depends on it.
 * @internal
 */
export function hiddenDegrees(width: number, size: number, conditional = false): number[] {
  if (conditional) return Array.from({ length: width }, (_, k) => k % size);
  const span = Math.max(1, size - 1);
  return Array.from({ length: width }, (_, k) => (k % span) + 1);
}

/**
 * The host mask M[j][k] of a MADE layer, row-major `[from.length, to.length]`: hidden layers connect
 * when m_l(k) ≥ m_{l-1}(j), the output layer only when m₀(k) > m_L(j) (strict), Germain et al. 2015 eq. 12-13.
 * @internal
 */
export function connectivity(from: readonly number[], to: readonly number[], strict: boolean): Float32Array {
  const mask = new Float32Array(from.length * to.length);
  from.forEach((mj, j) =>
    to.forEach((mk, k) => {
      mask[j * to.length + k] = (strict ? mk > mj : mk >= mj) ? 1 : 0;
    }),
  );
  return mask;
}

/** A host 0/1 mask `[rows, cols]`, row-major. */
export interface HostMask {
  rows: number;
  cols: number;
  values: Float32Array;
}

/**
 * The masks of a MADE (Germain et al. 2015, eq. 12-13) with input degrees `degrees`, hidden widths
 * `hidden` and `heads` outputs per dimension laid out head-major (column h·D + k is head h of
 * dimension k, of degree m₀(k)): the first covers the D input rows only (context rows, when
 * `conditional`, are unmasked), then each hidden layer, then the strict output mask.
 */
export function madeMasks(
  degrees: readonly number[],
  hidden: readonly number[],
  heads: number,
  conditional: boolean,
): HostMask[] {
  const d = degrees.length;
  const outDegrees = Array.from({ length: heads }, () => degrees).flat();
  const layers = [degrees, ...hidden.map((h) => hiddenDegrees(h, d, conditional)), outDegrees];
  return layers.slice(1).map((to, l) => {
    const from = layers[l] as readonly number[];
    const last = l === layers.length - 2;
    return { rows: from.length, cols: to.length, values: connectivity(from, to, last) };
  });
}

/**
 * The `order` option of a MADE layer: `natural`, `reversed`, `random` or a permutation of 1..d
 * (checked against the event size when the degrees are built); default `natural`.
 */
export function inputOrderOption(): OptionField<InputOrder> {
  return option.custom({
    read: (given, c): InputOrder => {
      const value = given ?? 'natural';
      if (value === 'natural' || value === 'reversed' || value === 'random') return value;
      if (Array.isArray(value) && value.every((m) => typeof m === 'number')) return [...(value as number[])];
      throw new OptionError(
        `${c.what} must be 'natural', 'reversed', 'random' or a list of degrees, got ${previewJson(value)}`,
      );
    },
    default: defaultText('natural'),
  });
}
