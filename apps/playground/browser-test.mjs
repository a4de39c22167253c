// Browser test of the built playground in Debian's headless Chromium (playwright-core, WebGL via
// SwiftShader): the page loads without console errors and offers every registered flow family with
// a form from its option schema; URL-driven RealNVP runs on moons on wasm and on webgl train (the
// loss falls, data-state="done", finite test NLL), paint the heat map and "see inside" and answer a
// click within 500 ms while training; a saved model reloads to the same test NLL; an NSF run from
// the URL, a run on points drawn with the mouse and one on a dropped 3-column CSV file train; a bad
// CSV file is one clear message.
// `node browser-test.mjs [--screenshot docs/playground.png]`; needs `pnpm --filter playground build`.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launch, runEnd } from './chromium.mjs';
import { serve } from './serve.mjs';

// webgl runs on SwiftShader here (a CPU), about 10 steps/s: fewer steps keep the test under a minute.
const STEPS = { wasm: 300, webgl: 200 };
const RUN = 'flow=realnvp&data=moons&layers=4&hidden=32,32&lr=0.005&batch=128&autostart=1';
/** Small runs of the other data sources and families, on wasm. */
const SMALL = 'backend=wasm&layers=2&hidden=16,16&lr=0.01&batch=64';

const dist = process.env.PLAYGROUND_DIST ?? fileURLToPath(new URL('dist/', import.meta.url));
const screenshotAt = process.argv.indexOf('--screenshot');
const screenshot = screenshotAt > 0 ? path.resolve(process.argv[screenshotAt + 1]) : undefined;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Distinct colours among every 7th pixel of a canvas: a blank one has one or two. */
function colours(page, id) {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id);
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    for (let i = 0; i < pixels.length; i += 4 * 7)
      seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return seen.size;
  }, id);
}

/** Drops a file on the page as a user would (a DataTransfer holding it). */
async function dropFile(page, name, text) {
  const transfer = await page.evaluateHandle(
    ([name, text]) => {
      const t = new DataTransfer();
      t.items.add(new File([text], name, { type: 'text/csv' }));
      return t;
    },
    [name, text],
  );
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
}

/** A finished run's checks: done, finite test NLL, the loss fell, see-inside painted. */
function checkRun(what, body, fall = 0.1) {
  check(body.state === 'done', `${what}: ${body.state}: ${body.error}`);
  const [first, last] = JSON.parse(body.loss);
  check(Number.isFinite(Number(body.testNll)), `${what}: test NLL ${body.testNll}`);
  check(last < first - fall, `${what}: the loss did not fall (${first} -> ${last})`);
  check(Number(body.insideStages) >= 3, `${what}: "see inside" drew ${body.insideStages} stages`);
  return `${what}: loss ${first.toFixed(3)} -> ${last.toFixed(3)}, test NLL ${Number(body.testNll).toFixed(3)}`;
}

if (!existsSync(CHROMIUM)) {
  console.log(`SKIP playground browser test: ${CHROMIUM} not found (apt-get install -y chromium)`);
  process.exit(0);
}
check(
  existsSync(path.join(dist, 'index.html')),
  'apps/playground/dist is missing: run `pnpm --filter playground build`',
);

const started = Date.now();
const models = mkdtempSync(path.join(tmpdir(), 'playground-'));
const { server, url } = await serve(dist, 0, { '/models/': models });
const browser = await launch();
const errors = [];
const report = [];
const clicks = [];
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 760 } });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.waitForTimeout(300);
  check(errors.length === 0, `console errors on load: ${errors.join('\n')}`);
  // Every registered family is offered, glow disabled (it needs images), and the form follows the schema.
  const offered = await page.$$eval('select[name=flow] option', (o) =>
    o.map((x) => (x.disabled ? `(${x.value})` : x.value)),
  );
  for (const name of ['realnvp', 'nice', 'maf', 'iaf', 'nsf', 'planar', 'radial', 'ffjord', 'flow-matching'])
    check(offered.includes(name), `flow ${name} is not offered (${offered.join(', ')})`);
  check(offered.includes('(glow)'), `glow should be offered disabled: ${offered.join(', ')}`);
  await page.selectOption('select[name=flow]', 'nsf');
  const bins = await page.inputValue('[name="opt.bins"]');
  check(bins === '8', `the nsf form's bins input holds ${bins}, not its schema default 8`);
  report.push(`flows offered: ${offered.join(', ')}`);

  for (const backend of ['wasm', 'webgl']) {
    await page.goto(`${url}?${RUN}&steps=${STEPS[backend]}&backend=${backend}`);
    await page.waitForFunction(() => document.body.dataset.state !== 'idle');
    await page.waitForFunction(
      () => Number(document.getElementById('step')?.textContent?.split('/')[0]) > 10,
      null,
      {
        timeout: 60_000,
      },
    );
    // The page answers a click while the worker trains (wasm may finish first: then only webgl checks).
    const clickStart = Date.now();
    await page.click('#show-data');
    const clickMs = Date.now() - clickStart;
    const during = await page.evaluate(() => ({ ...document.body.dataset }));
    if (during.state === 'training') {
      // The page's own measure (the click event's creation to its handler) and the round trip through playwright.
      const delay = Number(during.clickDelayMs);
      check(delay < 500, `${backend}: a click waited ${delay} ms for the page while training`);
      // Not asserted: playwright's round trip waits for animation frames, which a loaded machine starves.
      clicks.push(
        `${backend} ${delay.toFixed(0)} ms in the page (${clickMs} ms round trip through playwright)`,
      );
    }
    await page.click('#show-data');
    const body = await runEnd(page);
    check(body.state === 'done', `${backend}: ${body.state}: ${body.error}`);
    check(body.backend === backend, `${backend}: tfjs used ${body.backend}`);
    const testNll = Number(body.testNll);
    const [first, last] = JSON.parse(body.loss);
    check(Number.isFinite(testNll), `${backend}: test NLL ${body.testNll}`);
    check(last < first - 0.3, `${backend}: the loss did not fall (${first} -> ${last})`);
    const heat = await colours(page, 'density');
    check(heat > 50, `${backend}: the heat map is blank (${heat} colours)`);
    check(Number(body.insideStages) >= 3, `${backend}: "see inside" drew ${body.insideStages} stages`);
    const inside = await colours(page, 'inside');
    check(inside > 10, `${backend}: the see-inside canvas is blank (${inside} colours)`);
    report.push(
      `${backend}: loss ${first.toFixed(4)} -> ${last.toFixed(4)}, test NLL ${testNll.toFixed(6)}, ` +
        `${Number(body.stepsPerSecond).toFixed(1)} steps/s, frame p95 ${Number(body.framesP95).toFixed(1)} ms`,
    );
    if (backend === 'wasm') {
      // Save (two downloads), then load the files back: the same test NLL on the same test rows.
      const downloads = [];
      const done = new Promise((resolve) =>
        page.on('download', async (d) => {
          const file = path.join(models, d.suggestedFilename());
          await d.saveAs(file);
          downloads.push(file);
          if (downloads.length === 2) resolve();
        }),
      );
      await page.click('#save');
      await done;
      await page.setInputFiles('#load', downloads);
      await page.waitForFunction(
        () =>
          document.body.dataset.state === 'done' &&
          document.getElementById('message')?.textContent?.startsWith('loaded'),
      );
      const reloaded = Number(await page.evaluate(() => document.body.dataset.testNll));
      check(Math.abs(reloaded - testNll) < 1e-4, `reloaded model: test NLL ${reloaded} vs ${testNll}`);
      // The same files by URL (?model=), as a link to a model trained elsewhere (the CLI) would load them.
      await page.goto(`${url}?data=moons&backend=wasm&model=models/model.json`);
      const byUrl = await runEnd(page);
      check(byUrl.state === 'done', `model by URL: ${byUrl.state}: ${byUrl.error}`);
      check(
        Math.abs(Number(byUrl.testNll) - testNll) < 1e-4,
        `model by URL: test NLL ${byUrl.testNll} vs ${testNll}`,
      );
      report.push(
        `wasm: saved model reloads to test NLL ${reloaded.toFixed(4)} (files) and ${Number(byUrl.testNll).toFixed(4)} (URL)`,
      );
    }
    if (backend === 'webgl' && screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  }
  // WebGPU: offered; where the adapter's synchronous reads work it trains, else the page says why it
  // fell back (headless Chromium's SwiftShader adapter here reads zeros synchronously).
  const adapter = await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
  await page.goto(`${url}?flow=realnvp&data=moons&steps=100&${SMALL.replace('wasm', 'webgpu')}&autostart=1`);
  await page.waitForFunction(() => document.body.dataset.state !== 'idle');
  const gpuRun = await runEnd(page);
  const gpuShown = await page.textContent('#backend');
  if (gpuRun.backend === 'webgpu') report.push(checkRun('webgpu', gpuRun));
  else {
    check(gpuRun.state === 'done', `webgpu fallback: ${gpuRun.state}: ${gpuRun.error}`);
    check(
      /skipped webgpu: /.test(gpuShown),
      `webgpu fell back to ${gpuRun.backend} without a reason: ${gpuShown}`,
    );
    report.push(
      `webgpu (adapter ${adapter ? 'present' : 'absent'}): fell back, the page shows "${gpuShown}"`,
    );
  }

  // A family other than RealNVP, with a schema option, from the URL.
  await page.goto(`${url}?flow=nsf&data=8gaussians&bins=6&steps=150&${SMALL}&autostart=1`);
  await page.waitForFunction(() => document.body.dataset.state !== 'idle');
  report.push(checkRun('nsf on 8gaussians (URL)', await runEnd(page), 0.3));

  // Points drawn with the mouse: two strokes, then Train.
  await page.goto(`${url}?flow=maf&data=drawn&steps=150&${SMALL}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  const box = await page.locator('#density').boundingBox();
  for (const [y, dx] of [
    [0.35, 1],
    [0.65, -1],
  ]) {
    await page.mouse.move(box.x + box.width * (0.5 - 0.3 * dx), box.y + box.height * y);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++)
      await page.mouse.move(
        box.x + box.width * (0.5 - 0.3 * dx + (0.6 * dx * i) / 20),
        box.y + box.height * (y + 0.1 * Math.sin(i / 3)),
      );
    await page.mouse.up();
  }
  const drawnPoints = Number(await page.evaluate(() => document.body.dataset.drawnPoints));
  check(drawnPoints >= 60, `drawing left ${drawnPoints} points`);
  await page.click('#train');
  const drawnRun = await runEnd(page);
  check(drawnRun.cols === '2', `drawn data: ${drawnRun.cols} columns`);
  report.push(checkRun(`maf on ${drawnPoints} drawn points`, drawnRun));

  // A dropped CSV file: three columns (the pictures show the first two), then a bad one.
  const rows = ['a,b,c'];
  for (let i = 0; i < 400; i++) {
    const t = (i / 400) * 2 * Math.PI;
    rows.push(
      [Math.cos(t) * 2, Math.sin(t) + 0.1 * Math.cos(7 * i), 0.5 * Math.cos(t) + Math.sin(3 * i)].join(','),
    );
  }
  await page.goto(`${url}?flow=realnvp&steps=150&${SMALL}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await dropFile(page, 'ring.csv', rows.join('\n'));
  await page.waitForFunction(() => document.body.dataset.cols === '3');
  await page.click('#train');
  report.push(checkRun('realnvp on a dropped 3-column CSV', await runEnd(page)));
  await dropFile(page, 'bad.csv', 'x,y\n1,2\n3,abc\n');
  await page.waitForFunction(() => document.body.dataset.state === 'error');
  const bad = await page.evaluate(() => ({ ...document.body.dataset }));
  check(
    bad.state === 'error' && /bad\.csv.*line 3/.test(bad.error),
    `a bad CSV: ${bad.state}: ${bad.error} (want one message naming the file and line 3)`,
  );
  report.push(`bad CSV: "${bad.error}"`);

  check(clicks.length > 0, 'no run was still training when the page was clicked');
  report.push(`click answered while training: ${clicks.join(', ')}`);
  check(errors.length === 0, `console errors: ${errors.join('\n')}`);
  console.log(
    `playground browser test passed in ${((Date.now() - started) / 1000).toFixed(1)} s\n  ${report.join('\n  ')}`,
  );
} finally {
  await browser.close();
  server.close();
}
