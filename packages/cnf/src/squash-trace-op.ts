import type * as tf from '@tensorflow/tfjs-core';
import { multiOutputOp, runKernelOutputs } from '@bijective/engine';
import type { SquashParams } from './squash-vjp-op.js';
import { SQUASH_TRACE_KERNELS } from './squash-trace-kernels.js';

/** What one evaluation of {@link SquashTraceOp} takes besides z. @internal */
export interface SquashTraceCall {
  /** The probes e (m blocks of z's shape: `[m, n, D]` or `[m·n, D]`), constants. */
  probes: tf.Tensor;
  /** Solver time s ∈ [0, 1]; the field is evaluated at t = s T. */
  s: number;
  /** The integration time T (a scalar, differentiable). */
  T: tf.Scalar;
  /** The estimator's weight w of each probe's term (1/m for Hutchinson, 1 for the exact basis). */
  weight: number;
  /** The parameters packed once per solve (their gradient then flows to it), or undefined. */
  packed?: tf.Tensor1D;
  /** Called once each time the backward pass runs through the evaluation. */
  onBackward?: () => void;
  /** Also return RNODE's Jacobian Frobenius estimate T² w Σ_j ‖eⱼᵀ ∂f/∂z‖² per row, from the same VJPs. */
  frobenius?: boolean;
}

/**
 * (z, call) -> [T f(z, sT), T w Σ_j eⱼᵀ (∂f/∂z) eⱼ (, T² w Σ_j ‖eⱼᵀ ∂f/∂z‖²)]: a CNF's dynamics on
 * s ∈ [0, 1], its trace estimate (FFJORD, Grathwohl et al. 2019) and, when asked, the Jacobian
 * Frobenius estimate of RNODE (Finlay et al. 2020), as one tape node. @internal
 */
export type SquashTraceOp = (
  z: tf.Tensor2D,
  call: SquashTraceCall,
) => { value: tf.Tensor2D; trace: tf.Tensor1D; frobenius?: tf.Tensor1D };

/**
 * The unconditional tanh concat-squash field's scaled value and trace estimate as ONE wasm kernel
 * forward and one backward, with gradients to z, T and the parameters (or `packed`): what the
 * field's VJP op, the split of its rows, the scaling of both by T, the time t = s T and the probe
 * contraction e ⊙ vjp summed per row took as about ten kernels and their gradients per evaluation.
 * Only z, T and the parameters are the tape node's inputs (the probes are constants); the tape
 * saves one tensor (the kernel's tape, which holds z, e and T). wasm backend with the engine's
 * SIMD kernels only (`wasmSquashFieldAvailable`). Differentiable once.
 * @internal
 */
export function squashTraceOp(layers: readonly SquashParams[]): SquashTraceOp {
  const params = layers.flatMap((l) => [l.kernel, l.bias, l.gateKernel, l.gateBias, l.hyperKernel]);
  return (z, call) => {
    const { probes, s, T, weight, packed, onBackward } = call;
    const frobenius = call.frobenius === true;
    const m = probes.size / z.size;
    const named: tf.NamedTensorMap = { z, e: probes, T };
    params.forEach((p, i) => (named[`p${i}`] = p));
    const attrs = { s, weight, probes: m, frobenius };
    const [value, trace, frob] = multiOutputOp([z, T, ...(packed ? [packed] : params)], (save) => {
      const [dz, tr, tape, fr] = runKernelOutputs(SQUASH_TRACE_KERNELS.forward, named, attrs);
      save([tape as tf.Tensor]);
      return {
        values: [dz as tf.Tensor, tr as tf.Tensor, ...(frobenius ? [fr as tf.Tensor] : [])],
        gradFunc: ([dzBar, traceBar, frobBar], [savedTape]) => {
          onBackward?.();
          const inputs: tf.NamedTensorMap = {
            dzBar: dzBar as tf.Tensor,
            traceBar: traceBar as tf.Tensor,
            ...(frobenius ? { frobBar: frobBar as tf.Tensor } : {}),
            tape: savedTape as tf.Tensor,
          };
          params.forEach((p, i) => (inputs[`p${i}`] = p));
          return runKernelOutputs(SQUASH_TRACE_KERNELS.backward, inputs, {
            ...attrs,
            packed: packed !== undefined,
          });
        },
      };
    });
    return {
      value: value as tf.Tensor2D,
      trace: trace as tf.Tensor1D,
      ...(frobenius ? { frobenius: frob as tf.Tensor1D } : {}),
    };
  };
}
