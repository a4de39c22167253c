// The browser step of the pack test: bundles fixtures/browser-entry.js from the consumer folder with
// esbuild (platform browser, the installed packages), serves it and tfjs's .wasm files on 127.0.0.1,
// and runs it in Debian's headless Chromium through playwright-core (WebGL2 via SwiftShader).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-gpu-sandbox',
];

export async function runBrowserCheck(app) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y chromium)`);
  const requireApp = createRequire(path.join(app, 'package.json'));
  const { build } = requireApp('esbuild');
  const out = await build({
    entryPoints: [path.join(app, 'browser-entry.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    absWorkingDir: app,
  });
  const script = out.outputFiles[0].text;
  const wasmDir = path.join(
    path.dirname(requireApp.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'dist',
  );
  const server = createServer((req, res) => {
    if (req.url === '/')
      return res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/entry.js"></script>');
    if (req.url === '/entry.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    const wasm = req.url?.match(/^\/wasm\/([\w.-]+\.wasm)$/);
    if (wasm && existsSync(path.join(wasmDir, wasm[1]))) {
      return res
        .writeHead(200, { 'content-type': 'application/wasm' })
        .end(readFileSync(path.join(wasmDir, wasm[1])));
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const log = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => log.push(m.text()));
    page.on('pageerror', (e) => log.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => globalThis.__bijectiveResult !== undefined, null, { timeout: 120_000 });
    const report = await page.evaluate(() => globalThis.__bijectiveResult);
    for (const r of report)
      if (!(r.after < r.before)) throw new Error(`no progress on ${r.backend}: ${JSON.stringify(r)}`);
    const backends = report.map((r) => r.backend).join(', ');
    if (backends !== 'webgl, wasm') throw new Error(`backends used: ${backends}`);
    return report.map((r) => `${r.backend} NLL ${r.before.toFixed(2)} -> ${r.after.toFixed(2)}`).join('; ');
  } catch (error) {
    throw new Error(`${error.message}\n${log.slice(-10).join('\n')}`);
  } finally {
    await browser.close();
    server.close();
  }
}
