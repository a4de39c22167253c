// The engine's 4×8 wasm SIMD gemm tile against variants (tools/bench/assembly/gemm-variants.ts:
// packed A panel, packed A and B, the packed loop unrolled by 2, a 6×8 tile) at the 16-D table's
// shapes, compiled with the engine's asc flags into a module on its own memory, best of 5 windows of
// CPU time per call. Usage: node tools/bench/run.mjs tools/bench/src/gemm-variants.ts [--seconds 0.4] [--rounds 2]
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
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
const { ASC_FLAGS } = (await import(
  pathToFileURL(join(root, 'packages/engine/scripts/wasm-kernels.mjs')).href
)) as {
  ASC_FLAGS: string[];
};
let binary: Uint8Array | null = null;
const { error } = await asc.main(
  [join(root, 'tools/bench/assembly/gemm-variants.ts'), ...ASC_FLAGS, '--outFile', 'v.wasm'],
  {
    writeFile: (name: string, contents: Uint8Array) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
    stderr: process.stderr,
    stdout: process.stdout,
  },
);
if (error || !binary) throw error ?? new Error('gemm-variants: asc wrote no module');
type Gemm = (...a: number[]) => void;
const memory = new WebAssembly.Memory({ initial: 64 });
const g = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports as Record<
  string,
  Gemm
>;
const f = new Float32Array(memory.buffer);
const seconds = Number(args.seconds);
/** Best-of-5-windows CPU µs per call after a warm-up. */
const microseconds = (fn: () => void): number => bestCpuMicroseconds(fn, seconds, 300);

console.log(`# gemm-variants: load at start ${load()}`);
console.log('| M×K×N | variant | µs | GFLOP/s | max abs difference to base |');
console.log('|---|---|---|---|---|');
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
    const base = () => g.gemmBase!(M, N, K, A, K, 1, B, N, C, N);
    base();
    const want = f.slice(C / 4, C / 4 + M * N);
    const variants: Record<string, { run: () => void; rows: number }> = {
      'base (the engine tile)': { run: base, rows: M },
      'packed A panel': { run: () => g.gemmPackedA!(M, N, K, A, K, 1, B, N, C2, N, P), rows: M },
      'packed A, unrolled by 2': { run: () => g.gemmPackedA2!(M, N, K, A, K, 1, B, N, C2, N, P), rows: M },
      'packed A and B': { run: () => g.gemmPacked2!(M, N, K, A, K, 1, B, N, C2, N, P, PB), rows: M },
      '6×8 tile': { run: () => g.gemm6x8!(M, N, K, A, K, 1, B, N, C2, N), rows: M - (M % 6) },
    };
    // Warm every variant up first (V8 tiers a hot wasm function up from Liftoff to TurboFan).
    for (const { run } of Object.values(variants)) for (let i = 0; i < 2000; i++) run();
    for (const [name, { run, rows }] of Object.entries(variants)) {
      const out = name.startsWith('base') ? C : C2;
      f.fill(0, out / 4, out / 4 + M * N);
      run();
      let worst = 0;
      for (let i = 0; i < rows * N; i++) worst = Math.max(worst, Math.abs(f[out / 4 + i]! - want[i]!));
      const us = microseconds(run);
      console.log(
        `| ${M}×${K}×${N} | ${name} | ${us.toFixed(1)} | ${((2 * M * N * K) / us / 1e3).toFixed(1)} | ${worst.toExponential(1)} |`,
      );
    }
  }
console.log(`# load at end ${load()}`);
