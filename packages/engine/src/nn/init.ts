import type { HostRng } from '@bijective/core';

/**
 * `count` draws from the fan-in uniform U(±1/√fan_in), the start of a hidden layer's kernel and bias
 * in every conditioner: PyTorch's `nn.Linear` default (a Kaiming-uniform kernel with a = √5, and the
 * same bound for the bias), the LeCun/He fan-in family (LeCun et al. 1998; He et al. 2015). Against
 * Glorot-uniform (Glorot & Bengio 2010) its kernels are narrower for wide layers (std 1/√(3·fan_in))
 * and its biases are not zero, so each ReLU unit starts with its own offset.
 * @example
 * ```ts
 * import { hostRng } from '@bijective/core';
 * import { fanInUniform } from '@bijective/engine';
 * const kernel = fanInUniform(hostRng(0), 64, 64 * 32); // a 64 -> 32 kernel, every entry in ±1/8
 * console.log(kernel.every((v) => Math.abs(v) <= 1 / 8));
 * ```
 */
export function fanInUniform(rng: HostRng, fanIn: number, count: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: count }, () => (2 * rng.uniform() - 1) * bound);
}

/** `count` draws from Glorot-uniform U(±√(6/(fan_in + fan_out))) (Glorot & Bengio 2010), the start of a non-zero output layer. @internal */
export function glorotUniform(rng: HostRng, fanIn: number, fanOut: number, count: number): Float32Array {
  const bound = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: count }, () => (2 * rng.uniform() - 1) * bound);
}
