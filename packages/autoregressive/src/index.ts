/**
 * Autoregressive flows for bijective: MADE (Germain et al. 2015), the masked affine autoregressive
 * layer, and the complete `maf` (Papamakarios et al. 2017) and `iaf` (Kingma et al. 2016) flows,
 * registered on import.
 * @document ../README.md
 * @module @bijective/autoregressive
 */
import { registerAutoregressive } from './register.js';

export * from './pure.js';

registerAutoregressive();
