// Barrel of the 2-D toys.
export * from './toy.js';
export * from './moons.js';
export * from './eight-gaussians.js';
export * from './checkerboard.js';
export * from './circles.js';
export * from './rings.js';
export * from './pinwheel.js';
export * from './swissroll.js';
export * from './two-spirals.js';
export { TOYS } from './catalogue.js';
