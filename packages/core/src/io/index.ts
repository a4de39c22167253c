// Model files, environment-neutral (the Node directory handler is in '@bijective/core/node').
export { ModelFileError } from './errors.js';
export {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type LoadedFlow,
  type ModelFileNames,
  type ModelJson,
  type ModelTopology,
  type NamedIOHandler,
} from './format.js';
export { saveFlow } from './save-flow.js';
export { loadFlow } from './load-flow.js';
export { httpModelHandler, type HttpModelOptions } from './http-reader.js';
