// The engine's own wasm SIMD kernels: the switch, and (internal, for benchmarks) the runtime and the MLP kernels.
export { useWasmSimdKernels, wasmSimdKernelsEnabled, simdRuntime, SimdRuntime } from './simd-runtime.js';
export type { SimdExports } from './simd-runtime.js';
export { wasmMlpAvailable, wasmMlpForward, wasmMlpBackward, type WasmMlpGradients } from './mlp-kernels.js';
export { useWasmFusedRun } from './fused-run.js';
