/**
 * Every reliance of bijective on tfjs-core internals, in one module (tfjs-core 4.22): the gradient
 * tape's state, kernels run by name with hand-built attributes (`_FusedMatMul`), gradients with
 * unused inputs allowed, and `customGrad`'s calling convention. Each accessor checks what it reads
 * and throws a {@link TfjsInternalsError} naming the assumption when a tfjs upgrade changes it;
 * {@link checkTfjsInternals} (in `self-test.ts`) runs every check at once (the engine's self-test suite calls it).
 * Backend buffer access lives beside it, in `host-adapters.ts`.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { BijectiveError } from '@bijective/core';

/** The tfjs-core version these assumptions were written and tested against. */
export const TFJS_CORE_TESTED = '4.22.0';

/** A tfjs-core internal that bijective relies on is missing or behaves differently. */
export class TfjsInternalsError extends BijectiveError {
  /** `assumption`: which internal changed, e.g. `engine().state.gradientDepth`. */
  constructor(assumption: string, detail: string) {
    super(
      'internal',
      `tfjs-core internals changed: ${assumption} ${detail} (bijective is tested against tfjs-core ${TFJS_CORE_TESTED}, found ${tf.version_core}); pin @tensorflow/tfjs-core to ${TFJS_CORE_TESTED}`,
    );
    this.name = 'TfjsInternalsError';
  }
}

/**
 * The fields of tfjs's engine state that the engine reads and writes.
 * @internal
 */
export interface TapeState {
  /** The tape being recorded (an opaque object), or null. */
  activeTape: unknown;
  /** Nesting depth of gradient computations (> 0 while a tape records). */
  gradientDepth: number;
  /** Nesting depth of kernels being run (> 0 inside a kernel or a custom gradient's forward). */
  kernelDepth: number;
}

/**
 * tfjs's engine state, checked to hold the {@link TapeState} fields.
 * @internal
 */
export function tapeState(): TapeState {
  const state = (tf.engine() as unknown as { state?: Partial<TapeState> }).state;
  if (!state || typeof state.gradientDepth !== 'number' || typeof state.kernelDepth !== 'number') {
    throw new TfjsInternalsError(
      'engine().state',
      'no longer has numeric gradientDepth and kernelDepth fields',
    );
  }
  return state as TapeState;
}

/**
 * Whether a gradient tape is recording (inside `tf.grad`, `tf.variableGrads`, ...).
 * @internal
 */
export function isTapeActive(): boolean {
  return tapeState().gradientDepth > 0;
}

/**
 * Whether tfjs records the next op on a tape: a tape is open and no kernel or custom forward is running.
 * @internal
 */
export function isRecordingOps(): boolean {
  const state = tapeState();
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}

/**
 * The tape being recorded, or null; an opaque identity for caches tied to one backward pass.
 * @internal
 */
export function activeTape(): unknown {
  return tapeState().activeTape ?? null;
}

/** The value and gradients of `f` for `xs`, seeded by `dy` (default ones); an input `f` does not use gets null. */
export function gradientsAllowingUnused(
  f: () => tf.Tensor,
  xs: readonly tf.Tensor[],
  dy?: tf.Tensor,
): { value: tf.Tensor; grads: (tf.Tensor | null)[] } {
  const engine = tf.engine() as unknown as {
    gradients?: (
      f: () => tf.Tensor,
      xs: tf.Tensor[],
      dy: tf.Tensor | undefined,
      allowNoGradients: boolean,
    ) => { value: tf.Tensor; grads: (tf.Tensor | null | undefined)[] };
  };
  if (typeof engine.gradients !== 'function') {
    throw new TfjsInternalsError('engine().gradients(f, xs, dy, allowNoGradients)', 'is not a function');
  }
  const { value, grads } = engine.gradients(f, [...xs], dy, true);
  return { value, grads: grads.map((g) => g ?? null) };
}

/**
 * The activations tfjs's `_FusedMatMul` kernel fuses that the engine uses.
 * @internal
 */
export type FusedMatMulActivation = 'relu' | 'elu' | 'linear';

/**
 * act(x W + b) as ONE `_FusedMatMul` kernel (tfjs's kernels take batched 3-D operands). Called by
 * name: `tf.fused.matMul` splits itself into three kernels whenever a tape is open, which a fused
 * op's forward (whose backward is written out) never needs.
 * @internal
 */
export function fusedMatMulKernel(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: FusedMatMulActivation,
): tf.Tensor2D {
  const [n, k] = x.shape;
  const m = w.shape[1];
  const inputs = { a: tf.reshape(x, [1, n, k]), b: tf.reshape(w, [1, k, m]), bias: b };
  const attrs: tf.NamedAttrMap = { transposeA: false, transposeB: false, activation };
  return tf.reshape(runKernel(tf._FusedMatMul, inputs, attrs), [n, m]);
}

/**
 * Runs a registered kernel by name; a kernel missing on the active backend is an error naming both.
 * @internal
 */
export function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor {
  const out = runKernelOutputs(name, inputs, attrs);
  if (out.length !== 1)
    throw new TfjsInternalsError(`kernel ${name}`, `returned ${out.length} outputs, expected one`);
  return out[0] as tf.Tensor;
}

/**
 * Runs a registered kernel by name and returns all of its outputs.
 * @internal
 */
export function runKernelOutputs(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {},
): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

/** What a custom op's forward returns: its value and the gradient of each input from the value's gradient. */
export interface CustomOpResult {
  /** The op's output. */
  value: tf.Tensor;
  /** ∂L/∂input for each input, from ∂L/∂value and the tensors saved by the forward. */
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

/**
 * A differentiable op from a forward that also returns its gradient function (`tf.customGrad`),
 * typed: tfjs appends its save function after the op's inputs, which `forward` receives as `save`.
 */
export function customOp<Inputs extends tf.Tensor[]>(
  forward: (inputs: Inputs, save: tf.GradSaveFunc) => CustomOpResult,
): (...inputs: Inputs) => tf.Tensor {
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop();
    if (typeof save !== 'function') {
      throw new TfjsInternalsError(
        'tf.customGrad',
        'no longer passes its save function as the last argument',
      );
    }
    return forward(args as Inputs, save as tf.GradSaveFunc);
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op as unknown as (...inputs: Inputs) => tf.Tensor;
}
