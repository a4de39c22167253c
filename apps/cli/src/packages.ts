/**
 * The packages whose registrations the CLI offers: flows, datasets, targets, backends, solvers, estimators.
 * @module
 */
import '@bijective/core';
import '@bijective/backend-cpu';
import '@bijective/backend-wasm';
import '@bijective/backend-webgl';
import '@bijective/autoregressive';
import '@bijective/cnf';
import '@bijective/coupling';
import '@bijective/glow';
import '@bijective/flow-matching';
import '@bijective/spline';
import '@bijective/datasets';
import '@bijective/datasets/node';
import '@bijective/planar';
import '@bijective/planar/node';
import '@bijective/ode';
import '@bijective/trace';
