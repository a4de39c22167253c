/**
 * The side-effect-free entry of `@bijective/autoregressive`: the same exports as the package's main entry,
 * without registering anything; call {@link registerAutoregressive} to register by hand.
 * @module @bijective/autoregressive/pure
 */
export { MADE, type MADEOptions } from './made.js';
export {
  MaskedAffineAutoregressive,
  maskedAffineConfig,
  maskedAffineSetup,
  type MaskedAffineAutoregressiveOptions,
  type MaskedAffineSettings,
} from './masked-affine.js';
export { MaskedAffineStack, type StackedLayer } from './masked-affine-stack.js';
export {
  AUTOREGRESSIVE_DEFAULT_LAYERS,
  type AutoregressiveFlowOptions,
  type OrderSchedule,
  type ResolvedAutoregressiveOptions,
} from './flow-options.js';
export { AutoregressiveFlow, autoregressiveLinks } from './autoregressive-flow.js';
export { MAF, type MAFOptions } from './maf.js';
export { IAF, type IAFOptions } from './iaf.js';
export { registerAutoregressive } from './register.js';
