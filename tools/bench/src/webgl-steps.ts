// Kernels, reads back to the CPU (syncs) and WebGL programs per training step, and steps per second,
// of RealNVP and MAF on tfjs's webgl backend in headless Chromium, with @bijective/backend-webgl's
// shader versions of the host kernels (`after`) and with the engine's read-back path (`before`).
// Chromium renders WebGL with SwiftShader here (a CPU rasteriser): the sync and kernel counts are
// what carries over to a GPU, the steps/s do not.
// Usage: node tools/bench/run.mjs tools/bench/src/webgl-steps.ts [--steps 20] [--warmup 3]
//   [--layers 5] [--hidden 64,64] [--batch 256] [--dims 2] [--flows realnvp,maf]
import { fileURLToPath } from 'node:url';
import { chromiumMissing, runInChromium } from '../../browser-test/chromium.js';

/** One training run as the page reports it (tools/browser-test/webgl-step-entry.ts). */
interface StepReport {
  flow: string;
  mode: string;
  syncsPerStep: number;
  kernelsPerStep: number;
  programsPerStep: number;
  stepsPerSecond: number;
  leaked: number;
  finalLoss: number;
}

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
};
const settings = {
  parity: false,
  flows: arg('flows', 'realnvp,maf').split(','),
  modes: ['before', 'after'],
  layers: Number(arg('layers', '5')),
  hidden: arg('hidden', '64,64').split(',').map(Number),
  batch: Number(arg('batch', '256')),
  dims: Number(arg('dims', '2')),
  warmup: Number(arg('warmup', '3')),
  steps: Number(arg('steps', '20')),
};

const missing = chromiumMissing();
if (missing) throw new Error(missing);
const root = new URL('../../../', import.meta.url);
const { result, log } = await runInChromium({
  entry: fileURLToPath(new URL('tools/browser-test/webgl-step-entry.ts', root)),
  resolveDir: fileURLToPath(new URL('packages/backend-webgl/src/', root)),
  timeoutMs: 3_600_000,
  initScript: `globalThis.__webglStepArgs = ${JSON.stringify(settings)};`,
});
const report = result as { backend?: string; webglVersion?: number; runs?: StepReport[]; crashed?: string };
if (!report.runs) throw new Error(`the page reported no runs: ${report.crashed ?? ''}\n${log.join('\n')}`);
console.log(
  `webgl${report.webglVersion} (${report.backend}), ${settings.layers} layers of hidden ${settings.hidden.join(',')}, batch ${settings.batch}, ${settings.dims}-D, ${settings.warmup} warm-up + ${settings.steps} timed steps`,
);
console.log('flow\tshaders\tsyncs/step\tkernels/step\tprograms/step\tsteps/s\tleaked\tloss');
for (const r of report.runs) {
  console.log(
    [
      r.flow,
      r.mode,
      r.syncsPerStep.toFixed(1),
      r.kernelsPerStep.toFixed(1),
      r.programsPerStep.toFixed(1),
      r.stepsPerSecond.toFixed(2),
      r.leaked,
      r.finalLoss.toFixed(4),
    ].join('\t'),
  );
}
