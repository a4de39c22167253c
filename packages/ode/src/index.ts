/**
 * ODE solvers for dz/dt = f(t, z) on batched tfjs tensors with tuple states: fixed-step `euler`,
 * `midpoint`, `rk4` and adaptive `dopri5` (Dormand & Prince 1980), registered under the registry kind
 * `odeSolver`, with gradients by backpropagation through the solver or by the adjoint method
 * (Chen et al. 2018).
 * @document ../README.md
 * @module @bijective/ode
 */
import { registerOdeSolvers } from './register.js';

export * from './pure.js';

registerOdeSolvers();
