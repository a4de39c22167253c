// Runs every ```ts block of docs/variational.md as a program (bundled with esbuild as the
// benchmarks are, with the workspace's sources), so the guide's code keeps working.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');
const guide = readFileSync(path.resolve(packageDir, '../../docs/variational.md'), 'utf8');
const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
// Inside the package's node_modules, so the bundle's externals resolve to the installed packages.
const outDir = path.join(packageDir, 'node_modules', '.cache', 'guide');

describe('docs/variational.md', () => {
  test('has code blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  blocks.forEach((code, i) => {
    test(`block ${i + 1} runs`, async () => {
      mkdirSync(outDir, { recursive: true });
      const outfile = path.join(outDir, `block-${i + 1}.mjs`);
      await build({
        stdin: {
          contents: code,
          resolveDir: packageDir,
          loader: 'ts',
          sourcefile: `variational.md block ${i + 1}`,
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile,
        conditions: ['@bijective/source'],
        external: ['@tensorflow/tfjs-backend-wasm'],
        banner: {
          js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        },
        logLevel: 'error',
      });
      writeFileSync(`${outfile}.ts`, code);
      const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 240_000 });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(0);
    }, 300_000);
  });
});
