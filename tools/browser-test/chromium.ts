/**
 * Runs a browser entry module in headless Chromium and returns what it reports: bundles the entry
 * (see bundle.ts), serves it from a 127.0.0.1-only HTTP server and drives Debian's chromium with
 * playwright-core. The entry reports by setting `globalThis.__bijectiveResult` to a
 * JSON-serialisable value.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { bundleForBrowser } from './bundle.js';

/** Where CI's `apt-get install chromium` puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Chromium flags: headless, software WebGL through SwiftShader, no sandbox (containers), no network chatter. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why a Chromium run cannot happen here, or `undefined` when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found (apt-get install -y chromium)`;
}

/** What {@link runInChromium} needs: the entry, where its imports resolve, and limits. */
export interface BrowserRun {
  /** Absolute path of the entry module (TypeScript). */
  entry: string;
  /** The folder the entry's imports resolve from, as if it lived there (a package's `src`). */
  resolveDir: string;
  /** How long to wait for the entry's result, in milliseconds. */
  timeoutMs: number;
  /** Script run in the page before the entry, e.g. to take WebGL away as a blocklisted GPU would. */
  initScript?: string;
}

/** What the page did: its result, and its console and error output for diagnostics. */
export interface BrowserOutcome {
  /** The value the entry stored in `globalThis.__bijectiveResult`. */
  result: unknown;
  /** Console messages and uncaught page errors, in order. */
  log: string[];
}

async function serve(script: string): Promise<Server> {
  const page =
    '<!doctype html><meta charset="utf-8"><title>bijective browser test</title><script type="module" src="/entry.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else if (req.url === '/entry.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

/**
 * Bundles, serves and runs `entry` in headless Chromium; resolves with its result. Rejects when
 * esbuild warns (a dropped import would silently change what runs) or no result comes in time.
 */
export async function runInChromium(run: BrowserRun): Promise<BrowserOutcome> {
  const { code, warnings } = await bundleForBrowser(
    readFileSync(run.entry, 'utf8'),
    run.resolveDir,
    run.entry,
  );
  if (warnings.length > 0)
    throw new Error(`esbuild warned while bundling ${run.entry}:\n${warnings.join('\n')}`);
  const server = await serve(code);
  const log: string[] = [];
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
      headless: true,
    });
    try {
      const page = await browser.newPage();
      if (run.initScript !== undefined) await page.addInitScript(run.initScript);
      page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`pageerror: ${e.stack ?? e.message}`));
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/`, { timeout: run.timeoutMs });
      try {
        await page.waitForFunction(() => '__bijectiveResult' in globalThis, undefined, {
          timeout: run.timeoutMs,
        });
      } catch (e) {
        throw new Error(
          `no result from ${run.entry} within ${run.timeoutMs} ms; page log:\n${log.join('\n')}`,
          { cause: e },
        );
      }
      const result: unknown = await page.evaluate(
        () => (globalThis as { __bijectiveResult?: unknown }).__bijectiveResult,
      );
      return { result, log };
    } finally {
      await browser.close();
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
