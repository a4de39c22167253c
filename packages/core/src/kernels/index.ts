export * from './host-kernel.js';
