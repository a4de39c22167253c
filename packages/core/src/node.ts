/**
 * Node-only entry of `@bijective/core`: model directories on the file system (`model.json` +
 * `weights.bin`, written atomically).
 * @module @bijective/core/node
 */
export { fileSystemHandler, loadFlowFromDirectory, saveFlowToDirectory } from './io/node-files.js';
