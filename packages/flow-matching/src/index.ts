/**
 * Flow matching for bijective (Lipman et al. 2022): continuous normalizing flows trained by
 * regressing a time-conditioned vector field onto a conditional probability path, with no ODE solve
 * in the training loop; the `ot`, `rectified` (Liu et al. 2022) and `minibatch-ot` (Tong et al. 2023)
 * paths, exact-trace likelihoods and classifier-free guidance. Registers the `flow-matching` flow on
 * import.
 * @module @bijective/flow-matching
 */
import { registerFlowMatching } from './register.js';

export * from './pure.js';

registerFlowMatching();
