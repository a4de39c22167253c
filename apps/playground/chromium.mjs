// Debian's headless Chromium through playwright-core, for the playground's browser test and benchmark.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Where CI's `apt-get install chromium` puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';
/**
 * Headless, software WebGL through SwiftShader, WebGPU on SwiftShader's Vulkan adapter (headless
 * Chromium on Linux offers none without these flags), no sandbox (containers).
 */
export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-gpu-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
];

/** Launches Chromium, or returns undefined when it is not installed. */
export async function launch() {
  if (!existsSync(CHROMIUM)) return undefined;
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Waits for the page's run to end (`data-state` done or error) and returns `<body>`'s data attributes. */
export async function runEnd(page, timeout = 180_000) {
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, {
    timeout,
  });
  return page.evaluate(() => ({ ...document.body.dataset }));
}
