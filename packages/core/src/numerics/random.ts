/** A seeded pseudo-random generator on the host (float64), for reproducible initialisation and tests. */
export interface HostRng {
  /** Uniform draw in [0, 1). */
  uniform(): number;
  /** Standard normal draw (Box-Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** SplitMix32's increment of the state (the golden ratio's 32 bits). */
const GOLDEN = 0x9e3779b9;

/** SplitMix32's output for an (already incremented) state, as a uniform in [0, 1). */
function splitMixUniform(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
}

/** Creates a {@link HostRng} from a 32-bit seed (SplitMix32 state, Box-Muller normals). */
export function hostRng(seed: number): HostRng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + GOLDEN) >>> 0;
    return splitMixUniform(state);
  };
  return {
    uniform: next,
    normal: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    int: (n) => Math.floor(next() * n),
  };
}

/**
 * A uniformly random permutation of `0..n-1` (Fisher-Yates) from a seed.
 * @internal
 */
export function randomPermutation(n: number, seed: number): number[] {
  return Array.from(shuffledIndices(n, seed));
}

/**
 * {@link randomPermutation} as an `Int32Array` (the same order): Fisher-Yates over a typed array,
 * without a number list per epoch (`MinibatchSampler` draws one inside `fit`'s loop). The draws are
 * {@link hostRng}'s `int` inlined on a local state: a fresh generator's closure per call would be
 * a new call target for the optimised loop, deoptimised once per epoch ("wrong call target").
 * @internal
 */
export function shuffledIndices(n: number, seed: number): Int32Array {
  let state = seed >>> 0;
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    state = (state + GOLDEN) >>> 0;
    const j = Math.floor(splitMixUniform(state) * (i + 1));
    const held = p[i] as number;
    p[i] = p[j] as number;
    p[j] = held;
  }
  return p;
}

/**
 * A random orthogonal `n x n` matrix (Gram-Schmidt on Gaussian columns, float64) from a seed.
 * @internal
 */
export function randomOrthogonal(n: number, seed: number): number[][] {
  const rng = hostRng(seed);
  const q: number[][] = [];
  while (q.length < n) {
    const v = Array.from({ length: n }, () => rng.normal());
    for (const u of q) {
      const dot = u.reduce((s, ui, i) => s + ui * (v[i] as number), 0);
      for (let i = 0; i < n; i++) v[i] = (v[i] as number) - dot * (u[i] as number);
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-8) q.push(v.map((x) => x / norm));
  }
  // Rows of q are orthonormal, so q is orthogonal.
  return q;
}
