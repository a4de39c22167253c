// Barrel of the targets.
export * from './density-target.js';
export * from './quadrature.js';
export * from './energies.js';
export * from './energy-targets.js';
export * from './banana.js';
export * from './funnel.js';
export * from './logistic-regression.js';
export * from './evaluate.js';
