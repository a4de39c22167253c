/**
 * The Butcher tableau of an explicit Runge-Kutta method: stage i evaluates
 * k_i = f(t + c_i h, y + h Σ_{j<i} a_ij k_j) and the step returns y + h Σ_i b_i k_i.
 * Plain numbers, so the same coefficients drive the tensor solver and any host-side check.
 */
export interface ButcherTableau {
  /** Order p of the solution y + h Σ b_i k_i. */
  readonly order: number;
  /** Stage times c_i as fractions of the step. */
  readonly c: readonly number[];
  /** Stage coefficients: `a[i]` holds a_ij for j < i (`a[0]` is empty). */
  readonly a: readonly (readonly number[])[];
  /** Solution weights b_i. */
  readonly b: readonly number[];
  /** Embedded error weights b_i - b̂_i of a lower-order solution, when the method has one. */
  readonly errorWeights?: readonly number[];
  /** First same as last: the last stage is evaluated at the new solution and reused as the next step's first. */
  readonly fsal: boolean;
}

/** Forward Euler: y_{n+1} = y_n + h f(t_n, y_n), order 1. */
export const EULER: ButcherTableau = { order: 1, c: [0], a: [[]], b: [1], fsal: false };

/** Explicit midpoint rule: y_{n+1} = y_n + h f(t_n + h/2, y_n + (h/2) f(t_n, y_n)), order 2. */
export const MIDPOINT: ButcherTableau = { order: 2, c: [0, 1 / 2], a: [[], [1 / 2]], b: [0, 1], fsal: false };

/** The classical fourth-order Runge-Kutta method (Kutta 1901). */
export const RK4: ButcherTableau = {
  order: 4,
  c: [0, 1 / 2, 1 / 2, 1],
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
  fsal: false,
};

const DOPRI5_B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const DOPRI5_B_HAT = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];

/**
 * Dormand & Prince (1980) 5(4): seven stages, first same as last, a fifth-order solution and an
 * embedded fourth-order one whose difference estimates the local error.
 */
export const DOPRI5: ButcherTableau = {
  order: 5,
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    DOPRI5_B.slice(0, 6),
  ],
  b: DOPRI5_B,
  errorWeights: DOPRI5_B.map((b, i) => b - (DOPRI5_B_HAT[i] as number)),
  fsal: true,
};
