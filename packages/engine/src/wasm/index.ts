// The engine's own wasm SIMD kernels: the switch, and (internal) the runtime, the MLP kernels and Glow's coupling network.
export {
  useWasmSimdKernels,
  wasmSimdKernelsEnabled,
  wasmSimdAvailable,
  useWasmSimdVariant,
  wasmSimdVariant,
  enableRelaxedSimd,
  simdRuntime,
  SimdRuntime,
} from './simd-runtime.js';
export type { SimdExports, WasmSimdVariant } from './simd-runtime.js';
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
export { wasmConvNet } from './conv-kernels.js';
export { useWasmFirstPassRow, useWasmFusedRun } from './fused-run.js';
export { useTrainingShortcuts } from './training-shortcuts.js';
export { useMaskedPacking } from './masked-packing.js';
export { useWasmSimdTransforms, useWasmRowMaps } from './simd-transforms.js';
