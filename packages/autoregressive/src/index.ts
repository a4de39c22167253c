/**
 * Autoregressive flows for bijective: MADE (Germain et al. 2015), the masked affine autoregressive
 * layer, and the complete `maf` (Papamakarios et al. 2017) and `iaf` (Kingma et al. 2016) flows,
 * registered on import.
 * @module @bijective/autoregressive
 */
import './register.js';

export {
  connectivity,
  hiddenDegrees,
  inputDegrees,
  madeMasks,
  type HostMask,
  type InputOrder,
} from './degrees.js';
export { MADE, type MADEOptions } from './made.js';
export { maskedNetwork, type MaskedNetworkSpec } from './made-network.js';
export { madeLayer, type MadeLayerOptions } from './made-layer.js';
export {
  MaskedAutoregressiveLayers,
  maskedLayersSetup,
  type MaskedLayersSetup,
  type MaskedRunSettings,
} from './masked-layers.js';
export {
  DEFAULT_HIDDEN,
  DEFAULT_SCALE_BOUND,
  contextWidth,
  readActivation,
  readContextShape,
  readCount,
  readHidden,
  readOrder,
  readVectorShape,
} from './options.js';
export {
  MASKED_AFFINE_KEYS,
  MaskedAffineAutoregressive,
  maskedAffineConfig,
  maskedAffineSetup,
  type MaskedAffineAutoregressiveOptions,
  type MaskedAffineSettings,
} from './masked-affine.js';
export { MaskedAffineStack, type StackedLayer } from './masked-affine-stack.js';
export {
  AUTOREGRESSIVE_DEFAULT_LAYERS,
  autoregressiveOptionsJson,
  resolveAutoregressiveOptions,
  type AutoregressiveFlowOptions,
  type OrderSchedule,
  type ResolvedAutoregressiveOptions,
} from './flow-options.js';
export { AutoregressiveFlow, autoregressiveLinks } from './autoregressive-flow.js';
export { MAF, type MAFOptions } from './maf.js';
export { IAF, type IAFOptions } from './iaf.js';
