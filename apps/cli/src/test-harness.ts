/**
 * Helpers of the CLI's end-to-end tests: run the bundled CLI in a directory and check its output.
 * @internal
 * @module
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { expect } from 'vitest';
import { buildCli } from '../build.mjs';

/** What one CLI run gave: status, output streams and stdout's last line. */
export interface CliResult {
  /** Exit status. */
  status: number | null;
  /** Everything on stdout. */
  stdout: string;
  /** Everything on stderr. */
  stderr: string;
  /** The last line of stdout (the JSON result with --json). */
  last: string;
}

/** A scratch directory and a runner of the bundled CLI in it. */
export interface CliHarness {
  /** The directory the CLI runs in (its working directory). */
  dir: string;
  /** Runs `bijective ...args` in {@link dir} (or `options.cwd`). */
  cli(...args: string[]): CliResult;
  /** Runs with options: another working directory or extra environment variables. */
  cliWith(options: { cwd?: string; env?: Record<string, string> }, ...args: string[]): CliResult;
}

/** Builds the bundle and makes a fresh scratch directory (call in `beforeAll`). */
export async function cliHarness(prefix = 'bijective-cli-'): Promise<CliHarness> {
  const bundle = await buildCli();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cliWith = (options: { cwd?: string; env?: Record<string, string> }, ...args: string[]): CliResult => {
    const r = spawnSync(process.execPath, [bundle, ...args], {
      encoding: 'utf8',
      cwd: options.cwd ?? dir,
      timeout: 120_000,
      env: { ...process.env, ...options.env },
    });
    const lines = r.stdout.trim().split('\n');
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, last: lines[lines.length - 1] ?? '' };
  };
  return { dir, cli: (...args) => cliWith({}, ...args), cliWith };
}

/** Expects exit 2 with exactly one `error:` line on stderr matching `pattern`, and no stack trace. */
export function expectUsageError(r: CliResult, pattern: RegExp): void {
  const errorLines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('error:'));
  expect(errorLines, r.stderr).toHaveLength(1);
  expect(errorLines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.status).toBe(2);
}

/** The entries of `dir` (sorted), to check that a failed command wrote nothing. */
export function listing(dir: string): string[] {
  return readdirSync(dir).sort();
}

/**
 * Bundles a plugin's TypeScript source like a published plugin (its own copy of @bijective/core,
 * tfjs-core external) beside the CLI's bundle, so that its tfjs import resolves to the CLI's
 * installed copy; returns the bundle's path (`dist/test-plugins/NAME.mjs`).
 */
export async function buildTestPlugin(source: string): Promise<string> {
  const outDir = resolve(import.meta.dirname, '..', 'dist', 'test-plugins');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${basename(source).replace(/\.ts$/, '')}.mjs`);
  await build({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    conditions: ['@bijective/source'],
    // tfjs-core's entry stays shared with the CLI's copy; its gradient module (imported by core
    // without a file extension, which Node's ESM resolution refuses) is bundled.
    plugins: [
      {
        name: 'tfjs-core-external',
        setup(b) {
          b.onResolve({ filter: /^@tensorflow\/tfjs-core$/ }, (a) => ({ path: a.path, external: true }));
        },
      },
    ],
    logLevel: 'warning',
  });
  return outfile;
}
