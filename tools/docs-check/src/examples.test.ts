// Runs every code block of the docs: each ```ts/```js block of README.md, docs/*.md and the packages'
// READMEs, and each @example block of the packages' and apps' sources, bundled with esbuild and run
// with node (`ts browser` blocks are bundled for the browser only; `file=PATH` blocks must equal that
// file). A block fails when it does not bundle, exits non-zero, or runs past its time limit.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CodeBlock } from './extract.js';
import { blockName, checkBlocks, typecheckBlocks, type BlockOutcome } from './run-blocks.js';
import { collectBlocks, REPO_ROOT } from './sources.js';

const allBlocks = collectBlocks();
/** `DOCS_CHECK_ONLY=docs/plugins.md pnpm vitest run tools/docs-check` checks only the blocks of matching files. */
const only = process.env.DOCS_CHECK_ONLY;
const blocks = only ? allBlocks.filter((b) => b.file.includes(only)) : allBlocks;
let outcomes = new Map<CodeBlock, BlockOutcome>();
let typeErrors: string[] = [];
let wallSeconds = 0;
const workDir = path.join(REPO_ROOT, 'tools/docs-check/.out', `run-${process.pid}`);

/** At least this many blocks exist (it rises as docs grow), so that the check cannot pass on none. */
const MIN_BLOCKS = 55;

/** Pages that must hold checked blocks (run in Node, bundled for the browser, or compared with the file they quote), with their minimum count. */
const MIN_PER_FILE: Readonly<Record<string, number>> = {
  'README.md': 1,
  'docs/index.md': 2,
  'docs/getting-started.md': 3,
  'docs/training.md': 3,
  'docs/backends.md': 2,
  'docs/plugins.md': 6,
  'docs/glow.md': 2,
  'packages/glow/README.md': 1,
  'docs/flow-matching.md': 4,
  'docs/playground.md': 1,
  'apps/example-plugin/README.md': 1,
};

/** The public entry points that must carry an @example, by source file. */
const EXAMPLES_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'packages/core/src/registry.ts': ['create', 'register'],
  'packages/core/src/flow.ts': ['Flow'],
  'packages/core/src/backend.ts': ['useBackend'],
  'packages/core/src/io/save-flow.ts': ['saveFlow'],
  'packages/core/src/io/load-flow.ts': ['loadFlow'],
  'packages/core/src/io/node-files.ts': ['saveFlowToDirectory', 'loadFlowFromDirectory'],
  'packages/train/src/fit.ts': ['fit'],
  'packages/train/src/fit-async.ts': ['fitAsync'],
  'packages/train/src/fit-variational.ts': ['fitVariational'],
  'packages/testing/src/bijector-kit.ts': ['checkBijector'],
  'packages/testing/src/suite.ts': ['describeBijectorConformance'],
  'packages/coupling/src/nice.ts': ['Nice'],
  'packages/coupling/src/realnvp.ts': ['RealNVP'],
  'packages/autoregressive/src/maf.ts': ['MAF'],
  'packages/autoregressive/src/iaf.ts': ['IAF'],
  'packages/spline/src/nsf.ts': ['NSF'],
  'packages/glow/src/glow.ts': ['Glow'],
  'packages/engine/src/nn/conv2d.ts': ['conv2dSame'],
  'packages/flow-matching/src/flow-matching.ts': ['FlowMatching'],
  'packages/flow-matching/src/paths.ts': ['otPath'],
  'packages/flow-matching/src/assignment.ts': ['optimalAssignment'],
};

beforeAll(async () => {
  const started = performance.now();
  const options = {
    root: REPO_ROOT,
    workDir,
    timeoutMs: 120_000,
    concurrency: Math.max(2, Math.min(4, availableParallelism())),
  };
  outcomes = await checkBlocks(blocks, options);
  typeErrors = await typecheckBlocks(blocks, options);
  wallSeconds = (performance.now() - started) / 1000;
}, 30 * 60_000);

afterAll(() => {
  // The bundles and what the blocks wrote; DOCS_CHECK_KEEP=1 keeps them for a look.
  if (!process.env.DOCS_CHECK_KEEP) rmSync(workDir, { recursive: true, force: true });
  if (process.env.DOCS_CHECK_VERBOSE) {
    for (const [block, outcome] of outcomes) console.log(`--- ${blockName(block)}\n${outcome.report}`);
  }
  const counts = (mode: CodeBlock['mode']) => blocks.filter((b) => b.mode === mode).length;
  const slowest = [...outcomes.entries()]
    .sort((a, b) => b[1].seconds - a[1].seconds)
    .slice(0, 3)
    .map(([b, o]) => `${blockName(b)} ${o.seconds.toFixed(1)} s`);
  console.log(
    `docs check: ${blocks.length} blocks (${counts('node')} run in Node, ${counts('browser')} bundled for the browser, ` +
      `${counts('file')} compared with files, ${counts('skip')} no-run) in ${wallSeconds.toFixed(1)} s; slowest: ${slowest.join(', ')}`,
  );
});

describe.skipIf(only)('the extractor', () => {
  test(`finds at least ${MIN_BLOCKS} blocks, and the checked ones each guide must have`, () => {
    expect(allBlocks.length).toBeGreaterThanOrEqual(MIN_BLOCKS);
    for (const [file, min] of Object.entries(MIN_PER_FILE)) {
      const checked = allBlocks.filter((b) => b.file === file && b.mode !== 'skip');
      expect(checked.length, `${file}: checked blocks`).toBeGreaterThanOrEqual(min);
    }
  });

  test('finds an @example on every main entry point', () => {
    for (const [file, symbols] of Object.entries(EXAMPLES_REQUIRED)) {
      for (const symbol of symbols) {
        const found = allBlocks.some((b) => b.file === file && b.symbol === symbol && b.mode === 'node');
        expect(found, `a runnable @example on ${symbol} in ${file}`).toBe(true);
      }
    }
  });

  test('can import every workspace package that has exports (each is a dependency of tools/docs-check)', () => {
    const own = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tools/docs-check/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const folder of ['packages', 'apps']) {
      for (const dir of readdirSync(path.join(REPO_ROOT, folder))) {
        const manifest = path.join(REPO_ROOT, folder, dir, 'package.json');
        if (!existsSync(manifest)) continue;
        const { name, exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
          name: string;
          exports?: unknown;
        };
        if (exports === undefined) continue;
        expect(own.dependencies[name], `add "${name}": "workspace:*" to tools/docs-check/package.json`).toBe(
          'workspace:*',
        );
      }
    }
  });

  test('keeps no-run blocks rare', () => {
    expect(allBlocks.filter((b) => b.mode === 'skip').length).toBeLessThanOrEqual(3);
  });
});

describe('every block', () => {
  test('the TypeScript blocks type-check (strict, with the workspace settings)', () => {
    expect(typeErrors, typeErrors.join('\n')).toEqual([]);
  });

  for (const block of blocks.filter((b) => b.mode !== 'skip')) {
    test(`${blockName(block)}${block.symbol ? ` (@example of ${block.symbol})` : ''} [${block.mode}]`, () => {
      const outcome = outcomes.get(block);
      expect(outcome, 'the block was checked').toBeDefined();
      expect(outcome?.ok, `${blockName(block)}: ${outcome?.report}`).toBe(true);
    });
  }
});
