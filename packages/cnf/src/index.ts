/**
 * Continuous normalizing flows for bijective: FFJORD (Grathwohl et al. 2019) on the ODE solvers of
 * `@bijective/ode` and the trace estimators of `@bijective/trace`, with RNODE regularisation (Finlay
 * et al. 2020), augmented dimensions (Dupont et al. 2019) and activations whose second-order
 * gradients are exact; registers the `ffjord` flow on import.
 * @module @bijective/cnf
 */
import { registerCnf } from './register.js';

export * from './pure.js';

registerCnf();
