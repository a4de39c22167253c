/**
 * Registers tfjs-core's gradient kernels (its Node entry registers none). Imported for its side
 * effect by every module that differentiates; tfjs keeps the gradient registry on `globalThis`,
 * so one registration serves every copy of tfjs-core in the process.
 * @module
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
