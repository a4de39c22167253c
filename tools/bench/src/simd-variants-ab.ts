// The main job's training (`bijective train --flow realnvp --data moons` at the CLI's defaults, as
// tools/main-job.mjs runs it) with the engine's relaxed-SIMD kernels (fused multiply-adds: the CLI
// turns wasm relaxed SIMD on) against the same bundle with the SIMD-128 kernels forced
// (BIJECTIVE_WASM_SIMD=simd128), alternating in pairs on the same load: CPU seconds of the whole
// command (children's user + system time), wall seconds, the CLI's training-loop steps/s, and test
// NLL, per run and as the mean ratio. Extra arguments go to `train` (e.g. `-- --steps 2000`).
// Usage: node tools/bench/run.mjs tools/bench/src/simd-variants-ab.ts [--pairs 1] [--bundle PATH] [-- train args...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { childCpuSeconds, load } from './process-clock.js';

const { values: args, positionals } = parseArgs({
  options: { pairs: { type: 'string', default: '1' }, bundle: { type: 'string' } },
  allowPositionals: true,
});
const root = resolve(import.meta.dirname, '../../..');
if (!args.bundle) {
  const built = spawnSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
const cli = resolve(args.bundle ?? join(root, 'apps/cli/dist/bijective.mjs'));
const work = mkdtempSync(join(tmpdir(), 'simd-variants-ab-'));

interface Run {
  variant: string;
  kernels: string;
  cpu: number;
  wall: number;
  stepsPerSecond: number;
  testNll: number;
}

/** One `train` with the variant's environment. */
function train(variant: 'relaxed' | 'simd128', i: number): Run {
  const env = { ...process.env };
  if (variant === 'simd128') env.BIJECTIVE_WASM_SIMD = 'simd128';
  else delete env.BIJECTIVE_WASM_SIMD;
  const cpu0 = childCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      cli,
      ...['train', '--flow', 'realnvp', '--data', 'moons', '--out', join(work, `m-${variant}-${i}`)],
      ...['--force', '--json', ...positionals],
    ],
    { encoding: 'utf8', env },
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = childCpuSeconds() - cpu0;
  if (r.status !== 0) throw new Error(`bijective train failed:\n${r.stderr}`);
  const s = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
    stepsPerSecond: number;
    testNll: number;
    wasmKernels?: string;
  };
  return {
    variant,
    kernels: s.wasmKernels ?? 'n/a',
    cpu,
    wall,
    stepsPerSecond: s.stepsPerSecond,
    testNll: s.testNll,
  };
}

console.log(
  `# simd-variants-ab: train --flow realnvp --data moons ${positionals.join(' ')}; load at start ${load()}`,
);
console.log('| pair | variant | wasm kernels | CPU s | wall s | loop steps/s | test NLL |');
console.log('|---|---|---|---|---|---|---|');
const ratios: number[] = [];
for (let i = 0; i < Number(args.pairs); i++) {
  // Alternate which side runs first, so a drifting load does not favour one.
  const order: ('relaxed' | 'simd128')[] = i % 2 === 0 ? ['simd128', 'relaxed'] : ['relaxed', 'simd128'];
  const runs = order.map((v) => train(v, i));
  for (const r of runs)
    console.log(
      `| ${i} | ${r.variant} | ${r.kernels} | ${r.cpu.toFixed(1)} | ${r.wall.toFixed(1)} | ${r.stepsPerSecond.toFixed(1)} | ${r.testNll.toFixed(4)} |`,
    );
  const [base, fma] = [
    runs.find((r) => r.variant === 'simd128')!,
    runs.find((r) => r.variant === 'relaxed')!,
  ];
  ratios.push(base.cpu / fma.cpu);
}
console.log(
  `# SIMD-128 CPU / relaxed CPU: ${ratios.map((r) => r.toFixed(3)).join(', ')} (mean ${(ratios.reduce((a, b) => a + b, 0) / ratios.length).toFixed(3)}); load at end ${load()}`,
);
rmSync(work, { recursive: true, force: true });
