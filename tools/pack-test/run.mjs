// The pack-and-install test: packs every publishable package (tools/release/stage.mjs), installs
// the tarballs with npm into a fresh folder outside the workspace (tfjs from the registry), and
// checks them the way users meet them: a plain `node` import of every entry point, `require()` of
// every entry point, a fit + logProb + sample + save/load round trip on cpu and wasm, the types
// under `tsc --strict --module nodenext` (a wrong option must be a compile error), an esbuild
// browser bundle trained in headless Chromium on webgl and wasm, and the CLI binary from
// node_modules/.bin (listing, and training on two threads). Prints one line per step and a closing
// `N passed, N failed`; exits 1 on failure.
// Usage: node tools/pack-test/run.mjs [--keep] [--skip-build]   (builds first unless --skip-build)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, packAll, stageAll } from '../release/stage.mjs';
import { runBrowserCheck } from './browser.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TFJS = '4.22.0';
const results = [];

function step(name, fn) {
  const start = Date.now();
  try {
    const note = fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)${note ? `: ${note}` : ''}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `FAIL ${name}: ${String(error?.stderr || error?.message || error)
        .trim()
        .split('\n')
        .slice(-15)
        .join('\n     ')}`,
    );
  }
}

async function asyncStep(name, fn) {
  const start = Date.now();
  try {
    const note = await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)${note ? `: ${note}` : ''}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `FAIL ${name}: ${String(error?.message || error)
        .trim()
        .split('\n')
        .slice(-15)
        .join('\n     ')}`,
    );
  }
}

const run = (cmd, args, cwd, env = {}) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });

if (!process.argv.includes('--skip-build')) {
  execFileSync('pnpm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
let staged = [];
let tarballs = [];
step('stage and pack every publishable package', () => {
  staged = stageAll();
  tarballs = packAll(staged);
  return `${tarballs.length} tarballs`;
});

function finish() {
  const failed = results.filter((r) => !r.ok).length;
  console.log(`pack-and-install: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
if (tarballs.length === 0) finish(); // nothing to install: the steps below would prove nothing

const app = mkdtempSync(path.join(tmpdir(), 'bijective-pack-'));
step('npm install the tarballs and tfjs from the registry in a fresh folder', () => {
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs,
      `@tensorflow/tfjs-core@${TFJS}`,
      `@tensorflow/tfjs-backend-cpu@${TFJS}`,
      `@tensorflow/tfjs-backend-wasm@${TFJS}`,
      `@tensorflow/tfjs-backend-webgl@${TFJS}`,
      `@tensorflow/tfjs-backend-webgpu@${TFJS}`,
      'typescript@~5.9.3',
      'esbuild@^0.25.0',
    ],
    app,
  );
  return app;
});

// Every entry point of every package, as `name` or `name/subpath`.
const entries = staged.flatMap(({ name, stage }) => {
  const manifest = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8'));
  return Object.keys(manifest.exports ?? {}).map((k) => (k === '.' ? name : `${name}/${k.slice(2)}`));
});
step(`plain node import of every entry point (${entries.length})`, () => {
  for (const entry of entries)
    run(process.execPath, ['--input-type=module', '-e', `await import('${entry}');`], app);
});
step(`require() of every entry point (Node's require(esm))`, () => {
  for (const entry of entries) run(process.execPath, ['-e', `require('${entry}');`], app);
});

for (const file of ['round-trip.mjs', 'consumer.ts', 'consumer-errors.ts', 'browser-entry.js']) {
  cpSync(path.join(HERE, 'fixtures', file), path.join(app, file));
}
for (const backend of ['cpu', 'wasm']) {
  step(`fit, logProb, sample, save and load in plain node on ${backend}`, () =>
    run(process.execPath, ['round-trip.mjs', backend], app).trim().split('\n').pop(),
  );
}
step('tsc --strict --module nodenext: a consumer compiles, wrong options are compile errors', () => {
  const tsc = path.join(app, 'node_modules/typescript/bin/tsc');
  const flags = [
    '--strict',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--noEmit',
    '--skipLibCheck',
    'false',
  ];
  run(process.execPath, [tsc, ...flags, 'consumer.ts'], app);
  const bad = spawnSync(process.execPath, [tsc, ...flags, 'consumer-errors.ts'], {
    cwd: app,
    encoding: 'utf8',
  });
  const errors = (bad.stdout.match(/error TS\d+/g) ?? []).length;
  if (bad.status === 0 || errors !== 3)
    throw new Error(`expected exactly 3 type errors in consumer-errors.ts, got ${errors}:\n${bad.stdout}`);
  return `${errors} expected errors`;
});
await asyncStep('esbuild browser bundle trains in headless Chromium on webgl and wasm', () =>
  runBrowserCheck(app),
);
step('the CLI binary runs from node_modules/.bin', () => {
  const out = run(path.join(app, 'node_modules/.bin/bijective'), ['list', '--json'], app);
  const listing = JSON.parse(out.trim().split('\n').pop());
  if (!listing.flows?.includes('realnvp')) throw new Error(`bijective list --json names no realnvp: ${out}`);
  if (!listing.targets?.includes('u1')) throw new Error(`bijective list --json names no target u1: ${out}`);
  return `${listing.flows.length} flows, ${listing.targets.length} targets listed`;
});

step('the installed CLI trains on two threads (its replica thread runs the installed bundle)', () => {
  const bin = path.join(app, 'node_modules/.bin/bijective');
  const args = ['train', '--flow', 'realnvp', '--data', 'moons', '--steps', '20', '--batch', '64'];
  const out = run(bin, [...args, '--threads', '2', '--out', 'two-threads', '--json'], app);
  const summary = JSON.parse(out.trim().split('\n').pop());
  if (!Number.isFinite(summary.valNll) || summary.steps !== 20)
    throw new Error(`train --threads 2 summary without a finite valNll after 20 steps: ${out}`);
  readFileSync(path.join(app, 'two-threads/model.json'));
  return `val NLL ${summary.valNll.toFixed(3)}`;
});

if (!process.argv.includes('--keep')) rmSync(app, { recursive: true, force: true });
finish();
