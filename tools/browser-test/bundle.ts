/**
 * Bundles a test entry for the browser the way an application would: esbuild, ESM, browser
 * platform, honouring each package's `sideEffects`, with workspace packages resolved to their
 * TypeScript source through the `@bijective/source` condition.
 * @module
 */
import { build } from 'esbuild';

/** A browser bundle and the warnings esbuild raised making it (each with its location). */
export interface BrowserBundle {
  /** The bundled ES module. */
  code: string;
  /** esbuild's warnings, e.g. a bare import it dropped because the package says it has no side effects. */
  warnings: string[];
}

/**
 * Bundles `source` as if it were the file `sourcefile` in `resolveDir`: a package's `src`, so that
 * its imports see exactly that package's dependencies (and the package itself by its name).
 */
export async function bundleForBrowser(
  source: string,
  resolveDir: string,
  sourcefile = 'entry.ts',
): Promise<BrowserBundle> {
  const out = await build({
    stdin: { contents: source, sourcefile, resolveDir, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@bijective/source'],
    write: false,
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${sourcefile}`);
  const warnings = out.warnings.map((w) => {
    const at = w.location ? ` (${w.location.file}:${w.location.line})` : '';
    return [`${w.text}${at}`, ...w.notes.map((n) => `  ${n.text}`)].join('\n');
  });
  return { code: file.text, warnings };
}
