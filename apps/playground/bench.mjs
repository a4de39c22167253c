// Benchmark of the playground in headless Chromium: URL-driven RealNVP runs on moons (4 layers,
// hidden 32, lr 5e-3, batch 128) per backend and seed; prints test NLL, steps/s and the p95 frame
// time of the page while training. `node bench.mjs [--steps 2000] [--seeds 0,1,2] [--backends wasm,webgl]`
// after `pnpm --filter playground build`. Compare with the CLI at the same settings:
// `bijective train --flow realnvp --data moons --steps 2000 --layers 4 --hidden 32,32 --lr 0.005
//  --batch 128 --base standard-normal --patience 100000 --seed S --json`.
import { fileURLToPath } from 'node:url';
import { launch, runEnd } from './chromium.mjs';
import { serve } from './serve.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const steps = Number(arg('steps', '2000'));
const seeds = arg('seeds', '0,1,2').split(',').map(Number);
const backends = arg('backends', 'wasm,webgl').split(',');

const { server, url } = await serve(fileURLToPath(new URL('dist/', import.meta.url)));
const browser = await launch();
if (!browser) throw new Error('/usr/bin/chromium not found');
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  console.log('backend\tseed\tsteps\ttestNll\tstepsPerSecond\tframeP95Ms');
  for (const backend of backends) {
    for (const seed of seeds) {
      await page.goto(
        `${url}?flow=realnvp&data=moons&layers=4&hidden=32,32&lr=0.005&batch=128&steps=${steps}&seed=${seed}&backend=${backend}&autostart=1`,
      );
      await page.waitForFunction(() => document.body.dataset.state !== 'idle');
      const body = await runEnd(page, 3_600_000);
      if (body.state !== 'done') throw new Error(`${backend} seed ${seed}: ${body.error}`);
      console.log(
        [
          body.backend,
          seed,
          steps,
          Number(body.testNll).toFixed(4),
          Number(body.stepsPerSecond).toFixed(1),
          Number(body.framesP95).toFixed(1),
        ].join('\t'),
      );
    }
  }
} finally {
  await browser.close();
  server.close();
}
