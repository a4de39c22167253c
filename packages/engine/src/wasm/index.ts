// The engine's own wasm SIMD kernels: the switch, and (internal, for benchmarks) the runtime and the MLP kernels.
export { useWasmSimdKernels, wasmSimdKernelsEnabled, simdRuntime, SimdRuntime } from './simd-runtime.js';
export type { SimdExports } from './simd-runtime.js';
export { wasmMlpAvailable, wasmMlpForward, wasmMlpBackward, type WasmMlpGradients } from './mlp-kernels.js';
export {
  wasmTanhFieldAvailable,
  wasmTanhFieldVjp,
  wasmTanhFieldVjpGrad,
  runTanhFieldVjp,
  runTanhFieldVjpGrad,
  tanhFieldTapeSize,
  type TanhFieldWidths,
  type TanhFieldVjpBuffers,
  type TanhFieldVjpGradBuffers,
  type WasmTanhFieldValues,
  type WasmTanhFieldGradients,
} from './tanh-field-kernels.js';
