export * from './elementwise-transform.js';
