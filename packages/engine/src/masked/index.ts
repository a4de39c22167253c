// Barrel of the masked-autoregressive machinery that autoregressive families share (MADE degrees and masks, fused masked runs).
export {
  connectivity,
  hiddenDegrees,
  inputDegrees,
  madeMasks,
  inputOrderOption,
  type HostMask,
  type InputOrder,
} from './degrees.js';
export { maskedNetwork, type MaskedNetworkSpec } from './made-network.js';
export { madeLayer, type MadeLayerOptions } from './made-layer.js';
export {
  MaskedAutoregressiveLayers,
  maskedLayersSetup,
  type MaskedLayersSetup,
  type MaskedRunSettings,
} from './masked-layers.js';
