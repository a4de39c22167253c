// Barrel of the option declarations: defineOptions, the option kinds, and the readers of before.
export * from './schema.js';
export * from './fields.js';
export * from './readers.js';
