import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { OptionError, type BackendProvider } from '@bijective/core';

/** File names of the three WebAssembly binaries tfjs picks from (plain, SIMD, threaded SIMD). */
export const WASM_BINARY_NAMES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** The file name of one of tfjs's WebAssembly binaries. */
export type WasmBinaryName = (typeof WASM_BINARY_NAMES)[number];

/** Options of the `wasm` backend. */
export interface WasmBackendOptions {
  /**
   * Where the `.wasm` binaries are: a URL or directory prefix (a missing trailing `/` is added),
   * or a map from each of the three {@link WASM_BINARY_NAMES} to its full URL; in Node, a
   * file-system directory or paths. Default: in Node, the `dist/` folder of the installed
   * `@tensorflow/tfjs-backend-wasm`; elsewhere, tfjs's default (the directory of the running
   * script), which in a bundle usually holds no binaries, so bundled browser apps set this, e.g.
   * to the folder they copy `node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm` into.
   */
  wasmPaths?: string | Readonly<Record<WasmBinaryName, string>>;
  /**
   * Threads for XNNPACK's thread pool (tfjs `setThreadsCount`; default: the logical cores). Used
   * only by the threaded SIMD binary, which runs on cross-origin-isolated pages; Node runs the
   * single-threaded SIMD binary, where it has no effect.
   */
  threads?: number;
}

declare module '@bijective/core' {
  interface BackendOptionsMap {
    /** tfjs's WebAssembly backend (XNNPACK): fast on CPUs in Node and browsers. */
    wasm: WasmBackendOptions;
  }
}

const KNOWN_OPTIONS: readonly string[] = ['wasmPaths', 'threads'];

/** Checks `wasmPaths` and returns it with a prefix ending in `/`. */
function checkedPaths(paths: unknown): WasmBackendOptions['wasmPaths'] {
  if (paths === undefined) return undefined;
  if (typeof paths === 'string') {
    if (paths.length === 0) throw new OptionError('wasm backend: wasmPaths must not be empty');
    return paths.endsWith('/') ? paths : `${paths}/`;
  }
  if (typeof paths !== 'object' || paths === null) {
    throw new OptionError(
      `wasm backend: wasmPaths must be a URL prefix or a map of file names to URLs (got ${String(paths)})`,
    );
  }
  const map = paths as Record<string, unknown>;
  const missing = WASM_BINARY_NAMES.filter((n) => typeof map[n] !== 'string' || map[n] === '');
  if (missing.length > 0)
    throw new OptionError(`wasm backend: wasmPaths has no URL for ${missing.join(', ')}`);
  const extra = Object.keys(map).filter((k) => !(WASM_BINARY_NAMES as readonly string[]).includes(k));
  if (extra.length > 0) {
    throw new OptionError(
      `wasm backend: wasmPaths has unknown file name(s) ${extra.join(', ')}; expected ${WASM_BINARY_NAMES.join(', ')}`,
    );
  }
  return paths as Readonly<Record<WasmBinaryName, string>>;
}

/**
 * In Node, the `dist/` directory (with a trailing separator) of the `@tensorflow/tfjs-backend-wasm`
 * that this package resolves to; `undefined` elsewhere. Loads Node's modules only when called in
 * Node, through `process.getBuiltinModule`, so browser bundles never reference them.
 */
function nodeWasmDir(): string | undefined {
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  const { createRequire } = process.getBuiltinModule('node:module');
  const path = process.getBuiltinModule('node:path');
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  } catch (e) {
    throw new OptionError(
      `wasm backend: cannot find @tensorflow/tfjs-backend-wasm from ${import.meta.url} (${e instanceof Error ? e.message : String(e)}); ` +
        'install it, or pass { wasmPaths } naming the directory that holds its .wasm files',
    );
  }
  return path.join(path.dirname(manifest), 'dist') + path.sep;
}

/** Provides tfjs's `wasm` backend: points tfjs at its binaries and sets the thread count before it initialises. */
export class WasmBackendProvider implements BackendProvider {
  /** The tfjs backend name. */
  readonly name = 'wasm';
  private readonly wasmPaths: WasmBackendOptions['wasmPaths'];
  private readonly threads: number | undefined;

  /** Checks the options; throws an {@link OptionError} naming a bad or unknown one. */
  constructor(options: WasmBackendOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new OptionError(`wasm backend: options must be an object (got ${String(options)})`);
    }
    const unknown = Object.keys(options).filter((k) => !KNOWN_OPTIONS.includes(k));
    if (unknown.length > 0) {
      throw new OptionError(
        `wasm backend: unknown option(s) ${unknown.join(', ')}; known: ${KNOWN_OPTIONS.join(', ')}`,
      );
    }
    const { threads } = options;
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
      throw new OptionError(`wasm backend: threads must be a positive integer (got ${String(threads)})`);
    }
    this.wasmPaths = checkedPaths(options.wasmPaths);
    this.threads = threads;
  }

  /**
   * Tells tfjs where the binaries are (the `wasmPaths` option, or in Node the installed package's
   * `dist/`) and how many threads to use. Has no effect once tfjs has initialised the backend.
   */
  async prepare(): Promise<void> {
    const paths = this.wasmPaths ?? nodeWasmDir();
    if (paths !== undefined) setWasmPaths(paths);
    if (this.threads !== undefined) setThreadsCount(this.threads);
  }
}
