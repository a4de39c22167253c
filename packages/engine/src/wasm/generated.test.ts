// The committed wasm module (mlp-kernels.generated.ts) is what the AssemblyScript sources compile to
// today, and it is safe to instantiate on tfjs-wasm's memory: its only import is that memory, and it
// has no data segments (which would be written into tfjs's heap at instantiation).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { MLP_KERNELS_WASM_BASE64 } from './mlp-kernels.generated.js';

const bytes = Uint8Array.from(atob(MLP_KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));

/** The ids of the module's top-level sections (a LEB128 size follows each id). */
function sectionIds(wasm: Uint8Array): number[] {
  const ids: number[] = [];
  for (let at = 8; at < wasm.length;) {
    ids.push(wasm[at++]!);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[at++]!;
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    at += size;
  }
  return ids;
}

describe('the generated wasm kernel module', () => {
  test('imports only env.memory, exports the kernels, and has no data segments', () => {
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const exported = WebAssembly.Module.exports(module).map((e) => e.name);
    expect(exported).toEqual(
      expect.arrayContaining([
        'gemm',
        'gemmDot',
        'transpose',
        'columnSums',
        'tanhInPlace',
        'tanhVjpGrad',
        'affineMap',
        'affineMapGrad',
      ]),
    );
    expect(sectionIds(bytes)).not.toContain(11);
  });

  test('is up to date with packages/engine/assembly/', () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'wasm-kernels.mjs');
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 60_000);
});
