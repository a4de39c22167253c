/**
 * Bundles code blocks with esbuild the way an application would (workspace packages resolved to their
 * TypeScript source through the `@bijective/source` condition) and runs the Node ones with `node`.
 * @module
 */
import { build, type BuildOptions } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { RUNNABLE_LANGUAGES, type CodeBlock } from './extract.js';

/** What became of one block. */
export interface BlockOutcome {
  /** True when it bundled and (Node blocks) ran to exit code 0 within the time limit, or (file blocks) equals its file. */
  ok: boolean;
  /** Why it failed, or its output; bounded in length. */
  report: string;
  /** Wall-clock seconds of its `node` run (0 when it was not run). */
  seconds: number;
}

/** A stable file name for a block: its file and line, e.g. `docs_index.md_L42`. */
export function blockSlug(block: CodeBlock): string {
  return `${block.file.replace(/[^A-Za-z0-9.-]/g, '_')}_L${block.line}`;
}

/** `file:line` of a block, for messages. */
export function blockName(block: CodeBlock): string {
  return `${block.file}:${block.line}`;
}

// Bundled, tfjs-backend-wasm cannot find its .wasm files, so it stays external and resolves from
// the workspace's node_modules (the output sits inside tools/docs-check). CommonJS code inside the
// ES-module bundle (tfjs's Node entry) needs `require`.
const NODE_BANNER = [
  "import { createRequire as __docsCheckRequire } from 'node:module';",
  'const require = __docsCheckRequire(import.meta.url);',
].join('\n');

/** esbuild options shared by the Node and browser bundles. */
function bundleOptions(platform: 'node' | 'browser', outdir: string): BuildOptions {
  return {
    bundle: true,
    format: 'esm',
    platform,
    target: platform === 'node' ? 'node20' : 'es2022',
    outdir,
    outExtension: { '.js': '.mjs' },
    conditions: ['@bijective/source'],
    // Node runs modules as written, so the Node bundle keeps every import, as `node` would: tfjs's
    // cpu and webgl packages mark their Node entries side-effect free, and a bundler honouring that
    // drops `import '@tensorflow/tfjs-backend-cpu'`. Browser bundles honour it, as applications' do.
    ...(platform === 'node'
      ? { external: ['@tensorflow/tfjs-backend-wasm'], banner: { js: NODE_BANNER }, ignoreAnnotations: true }
      : {}),
    logLevel: 'silent',
  };
}

/** The first lines of an esbuild failure. */
function buildError(e: unknown): string {
  const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] })
    .errors;
  if (!errors) return e instanceof Error ? e.message : String(e);
  return errors
    .slice(0, 5)
    .map((m) => `${m.text}${m.location ? ` (${m.location.file}:${m.location.line})` : ''}`)
    .join('\n');
}

/**
 * Bundles `entries` in one esbuild call (each module parsed once); when that fails, bundles each
 * alone so that the failure lands on the blocks that caused it. Returns an error text per failed entry.
 */
async function bundleAll(entries: string[], options: BuildOptions): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  if (entries.length === 0) return failures;
  try {
    await build({ ...options, entryPoints: entries });
  } catch {
    for (const entry of entries) {
      try {
        await build({ ...options, entryPoints: [entry] });
      } catch (e) {
        failures.set(entry, buildError(e));
      }
    }
  }
  return failures;
}

/** Keeps the head and tail of a long output. */
function clip(text: string, max = 4000): string {
  return text.length <= max ? text : `${text.slice(0, max / 4)}\n…\n${text.slice(-(3 * max) / 4)}`;
}

/** Runs `node ...args` in `cwd` with a time limit; resolves with its exit code (or signal) and output. */
function runProcess(
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code, signal) =>
      resolve({ code, output: signal ? `${output}\n[killed by ${signal} after ${timeoutMs} ms]` : output }),
    );
  });
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Options of {@link checkBlocks}. */
export interface CheckOptions {
  /** The repository root, against which `file=` paths are read. */
  root: string;
  /** Scratch folder; it is emptied first. It must lie inside the workspace so that externals resolve. */
  workDir: string;
  /** Time limit of one block's `node` run (ms). */
  timeoutMs: number;
  /** Node runs in flight at once. */
  concurrency: number;
}

/** Compares a `file=` block with the file it quotes (surrounding blank lines ignored). */
export function compareWithFile(block: CodeBlock, root: string): BlockOutcome {
  const target = path.join(root, block.sameAs ?? '');
  if (!existsSync(target))
    return { ok: false, report: `it quotes ${block.sameAs}, which does not exist`, seconds: 0 };
  const expected = readFileSync(target, 'utf8').trim();
  if (block.code.trim() === expected) return { ok: true, report: `equals ${block.sameAs}`, seconds: 0 };
  const got = block.code.trim().split('\n');
  const want = expected.split('\n');
  const at = want.findIndex((line, i) => got[i] !== line);
  const line = at < 0 ? want.length : at;
  return {
    ok: false,
    report: `it differs from ${block.sameAs} at line ${line + 1} of the file:\n  file:  ${want[line] ?? '(end)'}\n  block: ${got[line] ?? '(end)'}\n(copy the file into the block)`,
    seconds: 0,
  };
}

/**
 * Bundles every block (Node blocks for Node, `browser` blocks for the browser), then runs each Node
 * block with `node` in a folder of its own, compares `file=` blocks with their files, and reports
 * per block. `no-run` blocks are not touched.
 */
export async function checkBlocks(
  blocks: readonly CodeBlock[],
  options: CheckOptions,
): Promise<Map<CodeBlock, BlockOutcome>> {
  const { workDir } = options;
  rmSync(workDir, { recursive: true, force: true });
  const entryOf = new Map<CodeBlock, string>();
  const outcomes = new Map<CodeBlock, BlockOutcome>();
  for (const block of blocks) {
    if (block.mode === 'file') outcomes.set(block, compareWithFile(block, options.root));
    if (block.mode !== 'node' && block.mode !== 'browser') continue;
    const entry = path.join(
      workDir,
      'src',
      `${blockSlug(block)}.${RUNNABLE_LANGUAGES[block.language] ?? 'ts'}`,
    );
    mkdirSync(path.dirname(entry), { recursive: true });
    writeFileSync(entry, block.code);
    entryOf.set(block, entry);
  }
  const byMode = (mode: 'node' | 'browser') =>
    blocks.filter((b) => b.mode === mode).map((b) => entryOf.get(b) as string);
  const failures = new Map([
    ...(await bundleAll(byMode('node'), bundleOptions('node', path.join(workDir, 'node')))),
    ...(await bundleAll(byMode('browser'), bundleOptions('browser', path.join(workDir, 'browser')))),
  ]);

  const runs: (() => Promise<void>)[] = [];
  for (const block of blocks) {
    const entry = entryOf.get(block);
    if (entry === undefined) continue;
    const failure = failures.get(entry);
    if (failure !== undefined) {
      outcomes.set(block, { ok: false, report: `esbuild could not bundle it:\n${failure}`, seconds: 0 });
    } else if (block.mode === 'browser') {
      outcomes.set(block, { ok: true, report: 'bundled for the browser', seconds: 0 });
    } else {
      runs.push(async () => {
        const cwd = path.join(workDir, 'run', blockSlug(block));
        mkdirSync(cwd, { recursive: true });
        const started = performance.now();
        const { code, output } = await runProcess(
          [path.join(workDir, 'node', `${blockSlug(block)}.mjs`)],
          cwd,
          options.timeoutMs,
        );
        const seconds = (performance.now() - started) / 1000;
        outcomes.set(block, {
          ok: code === 0,
          report: code === 0 ? clip(output) : `node exited with ${String(code)}:\n${clip(output)}`,
          seconds,
        });
      });
    }
  }
  await pool(runs, options.concurrency);
  return outcomes;
}

/** Where a line of a block's file comes from: `file:line` in the Markdown or TypeScript source. */
function sourceLine(block: CodeBlock, lineInBlock: number): string {
  return `${block.file}:${block.line + lineInBlock}`;
}

/**
 * Type-checks the TypeScript blocks written by {@link checkBlocks} into `workDir/src` with the
 * workspace's compiler options (strict, NodeNext, the `@bijective/source` condition), so that a
 * renamed option or a wrong type in the docs fails here; `@ts-expect-error` comments are checked
 * too. JavaScript blocks are left to the run. Returns one line per error, pointing at the Markdown
 * or source line of the block (errors inside the packages name their own files).
 */
export async function typecheckBlocks(
  blocks: readonly CodeBlock[],
  options: Pick<CheckOptions, 'root' | 'workDir' | 'timeoutMs'>,
): Promise<string[]> {
  const typescript = blocks.filter(
    (b) => (b.mode === 'node' || b.mode === 'browser') && RUNNABLE_LANGUAGES[b.language] === 'ts',
  );
  if (typescript.length === 0) return [];
  const bySlug = new Map(typescript.map((b) => [blockSlug(b), b]));
  const config = {
    extends: path.relative(options.workDir, path.join(options.root, 'tsconfig.base.json')),
    compilerOptions: { noEmit: true },
    files: typescript.map((b) => `src/${blockSlug(b)}.ts`),
  };
  writeFileSync(path.join(options.workDir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const { output } = await runProcess(
    [tsc, '-p', path.join(options.workDir, 'tsconfig.json'), '--pretty', 'false'],
    options.workDir,
    options.timeoutMs,
  );
  const errors: string[] = [];
  for (const line of output.split('\n')) {
    const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (!m) {
      if (/error/i.test(line) && !line.startsWith(' ')) errors.push(line);
      else if (line.startsWith(' ') && errors.length > 0) errors[errors.length - 1] += `\n${line}`;
      continue;
    }
    const [, file = '', lineNo = '0', , message = ''] = m;
    const block = bySlug.get(path.basename(file).replace(/\.ts$/, ''));
    errors.push(block ? `${sourceLine(block, Number(lineNo))}: ${message}` : `${file}:${lineNo}: ${message}`);
  }
  return errors;
}
