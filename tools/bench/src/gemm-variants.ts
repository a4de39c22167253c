// The engine's 4×8 wasm SIMD gemm tile against variants (tools/bench/assembly/gemm-variants.ts:
// packed A panel, packed A and B, the packed loop unrolled by 2, 6×8 and 4×12 tiles) at the 16-D
// table's shapes, each compiled twice like the engine's module (the variant column): with the
// engine's SIMD-128 flags and with its relaxed-SIMD flags (fused multiply-adds; this bench turns wasm
// relaxed SIMD on in Node 20), into modules on their own memory, best of 5 windows of CPU time per
// call. GFLOP/s count the rows and columns a variant covers (6×8: whole 6-row blocks; 4×12: whole
// 12-column blocks). Usage: node tools/bench/run.mjs tools/bench/src/gemm-variants.ts [--seconds 0.4] [--rounds 2]
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '@bijective/engine';
import { bestCpuMicroseconds, load } from './process-clock.js';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '0.4' }, rounds: { type: 'string', default: '2' } },
});
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// The engine's compiler (its devDependency, linked under packages/engine/node_modules), so the bench
// adds no dependency of its own.
const ascPath = join(root, 'packages/engine/node_modules/assemblyscript/dist/asc.js');
const asc = (await import(pathToFileURL(ascPath).href)) as {
  main(argv: string[], io: object): Promise<{ error: Error | null }>;
};
const { ASC_FLAGS, ASC_RELAXED_FLAGS } = (await import(
  pathToFileURL(join(root, 'packages/engine/scripts/wasm-kernels.mjs')).href
)) as {
  ASC_FLAGS: string[];
  ASC_RELAXED_FLAGS: string[];
};
/** The variants' module compiled with `flags`. */
async function compile(flags: string[]): Promise<Uint8Array> {
  let binary: Uint8Array | null = null;
  const { error } = await asc.main(
    [join(root, 'tools/bench/assembly/gemm-variants.ts'), ...flags, '--outFile', 'v.wasm'],
    {
      writeFile: (name: string, contents: Uint8Array) => {
        if (name.endsWith('.wasm')) binary = contents;
      },
      stderr: process.stderr,
      stdout: process.stdout,
    },
  );
  if (error || !binary) throw error ?? new Error('gemm-variants: asc wrote no module');
  return binary;
}
type Gemm = (...a: number[]) => void;
const memory = new WebAssembly.Memory({ initial: 64 });
const instantiate = (bytes: Uint8Array) =>
  new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: { memory } })
    .exports as Record<string, Gemm>;
const modules: Record<string, Record<string, Gemm>> = { simd128: instantiate(await compile(ASC_FLAGS)) };
if (enableRelaxedSimd()) modules.relaxed = instantiate(await compile(ASC_RELAXED_FLAGS));
else console.log('# no relaxed SIMD here: the SIMD-128 column only');
const f = new Float32Array(memory.buffer);
const seconds = Number(args.seconds);
/** Best-of-5-windows CPU µs per call after a warm-up. */
const microseconds = (fn: () => void): number => bestCpuMicroseconds(fn, seconds, 300);

console.log(`# gemm-variants: load at start ${load()}`);
console.log('| M×K×N | tile | variant | µs | GFLOP/s | max abs difference to SIMD-128 base |');
console.log('|---|---|---|---|---|---|');
for (let round = 0; round < Number(args.rounds); round++)
  for (const [M, K, N] of [
    [512, 16, 64],
    [512, 64, 64],
    [512, 64, 32],
  ] as const) {
    const A = 0;
    const B = 4 * M * K;
    const C = B + 4 * K * N;
    const C2 = C + 4 * M * N;
    const P = C2 + 4 * M * N;
    const PB = P + 16 * K;
    for (let i = 0; i < M * K; i++) f[A / 4 + i] = Math.sin(i);
    for (let i = 0; i < K * N; i++) f[B / 4 + i] = Math.cos(i);
    const g0 = modules.simd128!;
    g0.gemmBase!(M, N, K, A, K, 1, B, N, C, N);
    const want = f.slice(C / 4, C / 4 + M * N);
    for (const [variant, g] of Object.entries(modules)) {
      const tiles: Record<string, { run: () => void; rows: number; cols: number }> = {
        'base (the engine tile)': { run: () => g.gemmBase!(M, N, K, A, K, 1, B, N, C2, N), rows: M, cols: N },
        'packed A panel': { run: () => g.gemmPackedA!(M, N, K, A, K, 1, B, N, C2, N, P), rows: M, cols: N },
        'packed A, unrolled by 2': {
          run: () => g.gemmPackedA2!(M, N, K, A, K, 1, B, N, C2, N, P),
          rows: M,
          cols: N,
        },
        'packed A and B': {
          run: () => g.gemmPacked2!(M, N, K, A, K, 1, B, N, C2, N, P, PB),
          rows: M,
          cols: N,
        },
        '6×8 tile': { run: () => g.gemm6x8!(M, N, K, A, K, 1, B, N, C2, N), rows: M - (M % 6), cols: N },
        '4×12 tile': { run: () => g.gemm4x12!(M, N, K, A, K, 1, B, N, C2, N), rows: M, cols: N - (N % 12) },
      };
      // Warm every tile up first (V8 tiers a hot wasm function up from Liftoff to TurboFan).
      for (const { run } of Object.values(tiles)) for (let i = 0; i < 2000; i++) run();
      for (const [name, { run, rows, cols }] of Object.entries(tiles)) {
        f.fill(0, C2 / 4, C2 / 4 + M * N);
        run();
        let worst = 0;
        for (let r = 0; r < rows; r++)
          for (let j = 0; j < cols; j++)
            worst = Math.max(worst, Math.abs(f[C2 / 4 + r * N + j]! - want[r * N + j]!));
        const us = microseconds(run);
        console.log(
          `| ${M}×${K}×${N} | ${name} | ${variant} | ${us.toFixed(1)} | ${((2 * rows * cols * K) / us / 1e3).toFixed(1)} | ${worst.toExponential(1)} |`,
        );
      }
    }
  }
console.log(`# load at end ${load()}`);
