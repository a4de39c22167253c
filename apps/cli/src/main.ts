/**
 * The `bijective` command: train, eval, sample, plot and list normalizing flows (see docs/cli.md).
 * Started as a replica thread of `train --threads N`, the same bundle serves that replica instead.
 * @module
 */
import './packages.js';
import { enableRelaxedSimd } from '@bijective/engine';
import { isReplicaThread, serveReplica } from '@bijective/train/node';
import { run } from './run.js';

// Our own process: wasm relaxed SIMD on (Node 20 keeps it behind a V8 flag) before the engine
// compiles its kernels, so its fused multiply-add build runs; BIJECTIVE_WASM_SIMD=simd128 forces the
// SIMD-128 build (the engine reads it).
enableRelaxedSimd();

if (isReplicaThread()) await serveReplica();
else process.exitCode = await run(process.argv.slice(2));
