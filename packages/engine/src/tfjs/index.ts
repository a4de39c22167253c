// Barrel of the tfjs-internals module: the only code that relies on tfjs-core's internals.
export * from './internals.js';
export { withIsolatedTape } from './isolated-tape.js';
export { checkTfjsInternals } from './self-test.js';
export { hostAdapterFor, type HostAdapter } from './host-adapters.js';
export { sharedCopy } from './shared-copy.js';
export { readInto } from './read-into.js';
export { multiOutputOp, type MultiOutputOpResult } from './multi-output-op.js';
