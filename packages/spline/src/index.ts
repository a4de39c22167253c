/**
 * Neural spline flows for bijective: the monotonic rational-quadratic spline, its coupling and
 * autoregressive (MADE) layers and the `nsf` flow of either kind (Durkan et al. 2019), registered on import.
 * @document ../README.md
 * @module @bijective/spline
 */
import { registerSpline } from './register.js';

export * from './pure.js';

registerSpline();
