/**
 * Training for bijective flows: maximum likelihood ({@link fit}, forward KL), reverse KL against an
 * unnormalised target ({@link fitVariational}), the fused Adam optimiser, global-norm clipping,
 * learning-rate schedules and batched evaluation. Importing it registers tfjs-core's gradients.
 * @document ../README.md
 * @module @bijective/train
 */
import '@bijective/engine/gradients';

export * from './adam.js';
export * from './schedule.js';
export * from './clip.js';
export * from './snapshot.js';
export * from './evaluate.js';
export * from './finite.js';
export * from './fit.js';
export * from './fit-async.js';
export * from './fit-state.js';
export * from './fit-variational.js';
export * from './variational-metrics.js';
export * from './inverse-health.js';
export * from './guarded-optimiser.js';
