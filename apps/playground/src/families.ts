/**
 * The packages whose registrations the playground offers: every flow family, the toy datasets and
 * the ODE solvers and trace estimators the continuous flows name.
 * @module
 */
import '@bijective/datasets';
import '@bijective/autoregressive';
import '@bijective/cnf';
import '@bijective/coupling';
import '@bijective/flow-matching';
import '@bijective/glow';
import '@bijective/planar';
import '@bijective/spline';
import '@bijective/ode';
import '@bijective/trace';
