/**
 * The one way the shader versions of host kernels run a WebGL program: every input read as a flat
 * row-major array, every output a flat array, shaped afterwards (free for unpacked textures, as
 * tfjs's own reshape is). Kernels write index arithmetic in GLSL against `get<Name>(int)`.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { HostKernelBackendCall } from '@bijective/engine';

/** Most sampler inputs one program takes (WebGL 2 guarantees 16 texture units). */
export const MAX_PROGRAM_INPUTS = 12;

/**
 * The webgl backend of a host kernel call where its shader versions run (WebGL 2: integer
 * arithmetic in highp, loops over baked bounds), else null (the caller falls back to read-back).
 */
export function webglBackend(call: HostKernelBackendCall): MathBackendWebGL | null {
  const backend = call.backend as unknown as Partial<MathBackendWebGL>;
  if (typeof backend.runWebGLProgram !== 'function' || backend.texData === undefined) return null;
  return tf.env().getNumber('WEBGL_VERSION') === 2 ? (backend as MathBackendWebGL) : null;
}

/** One flat program: named inputs, output size, the body of `main` (with `int i`, the output index, in scope). */
export interface FlatProgram {
  /** GLSL names of the inputs, in order (`get<Name>(int)` reads one). */
  names: readonly string[];
  /** Elements of the (flat) output. */
  size: number;
  /** Statements of `main` after `int i = getOutputCoords();`; they call `setOutput(float)`. */
  body: string;
  /** GLSL functions placed before `main`. */
  helpers?: string;
  /** Float uniforms by name (values may change between calls without recompiling). */
  uniforms?: Readonly<Record<string, number>>;
}

/** `info` as a flat `[size]` array of an unpacked texture (unpacking it first when packed; the unpacked copy goes to `temps`). */
function flatten(backend: MathBackendWebGL, info: tf.TensorInfo, temps: tf.TensorInfo[]): tf.TensorInfo {
  let source = info;
  if (backend.texData.get(info.dataId).isPacked === true) {
    source = backend.unpackTensor(info);
    temps.push(source);
  }
  return { dataId: source.dataId, shape: [tf.util.sizeFromShape(info.shape)], dtype: info.dtype };
}

/**
 * `run` on `inputs` with each packed one unpacked once (for a kernel of several programs on the
 * same inputs: runFlat would unpack a packed input again per program); the copies are disposed after.
 */
export function withUnpacked<T>(
  backend: MathBackendWebGL,
  inputs: readonly tf.TensorInfo[],
  run: (unpacked: tf.TensorInfo[]) => T,
): T {
  const temps: tf.TensorInfo[] = [];
  const unpacked = inputs.map((info) => {
    if (backend.texData.get(info.dataId).isPacked !== true) return info;
    const copy = backend.unpackTensor(info);
    temps.push(copy);
    return copy;
  });
  try {
    return run(unpacked);
  } finally {
    for (const t of temps) backend.disposeIntermediateTensorInfo(t);
  }
}

/**
 * A kernel of several programs on the call's inputs, each packed input (θ from a packed matMul)
 * unpacked once for all of them; the read-back fallback where the shaders do not run.
 */
export function onUnpackedInputs(
  call: HostKernelBackendCall,
  programs: (backend: MathBackendWebGL, inputs: tf.TensorInfo[]) => tf.TensorInfo[],
): tf.TensorInfo[] {
  const backend = webglBackend(call);
  if (!backend) return call.fallback();
  return withUnpacked(backend, call.inputs, (inputs) => programs(backend, inputs));
}

/** The shader key differs per code, so attributes baked into `body` compile once per distinct value. */
export function runFlat(
  backend: MathBackendWebGL,
  inputs: readonly tf.TensorInfo[],
  spec: FlatProgram,
): tf.TensorInfo {
  const temps: tf.TensorInfo[] = [];
  const flat = inputs.map((t) => flatten(backend, t, temps));
  const uniforms = Object.entries(spec.uniforms ?? {});
  const program: GPGPUProgram = {
    variableNames: [...spec.names],
    outputShape: [spec.size],
    userCode: `${spec.helpers ?? ''}
void main() {
  int i = getOutputCoords();
  ${spec.body}
}`,
    ...(uniforms.length > 0
      ? { customUniforms: uniforms.map(([name]) => ({ name, type: 'float' as const })) }
      : {}),
  };
  const out = backend.runWebGLProgram(
    program,
    flat,
    'float32',
    uniforms.length > 0 ? uniforms.map(([, v]) => [v]) : undefined,
  );
  for (const t of temps) backend.disposeIntermediateTensorInfo(t);
  return out;
}

/** A program's flat output seen with `shape` (same size; unpacked, so no copy, as tfjs's reshape). */
export function shaped(info: tf.TensorInfo, shape: readonly number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape: [...shape], dtype: info.dtype };
}

/** A second handle on `info`'s data (tfjs's Identity on webgl): an output equal to an input, no copy. */
export function alias(backend: MathBackendWebGL, info: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(info.dataId);
  return { dataId: info.dataId, shape: [...info.shape], dtype: info.dtype };
}

/** A float literal GLSL accepts (`2` -> `2.0`). */
export function glslFloat(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Σ over rows of a row-major `[rows, cols]` array, `[cols]` (one program; each output element loops over the rows). */
export function columnSums(
  backend: MathBackendWebGL,
  info: tf.TensorInfo,
  rows: number,
  cols: number,
): tf.TensorInfo {
  return runFlat(backend, [info], {
    names: ['m'],
    size: cols,
    body: `float sum = 0.0;
  for (int r = 0; r < ${rows}; r++) sum += getM(r * ${cols} + i);
  setOutput(sum);`,
  });
}

/**
 * GLSL lookups between an event column c and its position k in `columns`: `slotOf(c)` (-1 when c
 * is not transformed) and `columnOf(k)`, as if-chains (no arrays: one code path for every GLSL).
 */
export function columnLookups(columns: readonly number[]): string {
  const slots = columns.map((c, k) => `  if (c == ${c}) return ${k};`).join('\n');
  const cols = columns.map((c, k) => `  if (k == ${k}) return ${c};`).join('\n');
  return `int slotOf(int c) {
${slots}
  return -1;
}
int columnOf(int k) {
${cols}
  return 0;
}
`;
}
