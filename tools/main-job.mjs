// The main job: trains RealNVP on two moons with the CLI's defaults, reports train/test NLL, and
// writes the model (with its loss curve), a density plot and a samples plot under out/. It owns
// out/, so it replaces its own previous model (--force).
import { spawnSync } from 'node:child_process';
import { buildCli } from '../apps/cli/build.mjs';

const bundle = await buildCli();
const cli = (...args) => {
  const result = spawnSync(process.execPath, [bundle, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

cli('train', '--flow', 'realnvp', '--data', 'moons', '--out', 'out/model', '--force');
cli('plot', '--model', 'out/model', '--data', 'moons', '--out', 'out/density.png');
cli('plot', '--model', 'out/model', '--data', 'moons', '--kind', 'samples', '--out', 'out/samples.png');
console.log(
  'wrote out/model (with loss.csv and loss.png), out/density.png (density with data overlay), out/samples.png (samples against data)',
);
