/**
 * The files whose code blocks the docs check runs: the READMEs, the guides in `docs/`, and the
 * TypeScript sources (for their `@example` blocks) of the packages and apps.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleBlocks, markdownBlocks, type CodeBlock } from './extract.js';

/** The repository root (this file is tools/docs-check/src/sources.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Folders (relative to the root) whose packages' READMEs and sources are scanned. */
const PACKAGE_FOLDERS = ['packages', 'apps'];

/** Directories of a folder, sorted. */
function subdirectories(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort();
}

/** The non-test TypeScript files under `dir`, recursively, sorted. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (
      /\.ts$/.test(entry.name) &&
      !/\.test(-d)?\.ts$/.test(entry.name) &&
      !entry.name.endsWith('.d.ts')
    )
      out.push(full);
  }
  return out;
}

/** The Markdown files scanned, relative to the root: README.md, docs/*.md, and each package's README.md. */
export function markdownFiles(root = REPO_ROOT): string[] {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  const readmes = PACKAGE_FOLDERS.flatMap((folder) =>
    subdirectories(path.join(root, folder))
      .map((name) => `${folder}/${name}/README.md`)
      .filter((file) => statSync(path.join(root, file), { throwIfNoEntry: false })?.isFile()),
  );
  return ['README.md', ...docs, ...readmes];
}

/** The TypeScript sources scanned for `@example` blocks, relative to the root. */
export function exampleSourceFiles(root = REPO_ROOT): string[] {
  return PACKAGE_FOLDERS.flatMap((folder) =>
    subdirectories(path.join(root, folder)).flatMap((name) => {
      const src = path.join(root, folder, name, 'src');
      return statSync(src, { throwIfNoEntry: false })?.isDirectory() ? sourceFiles(src) : [];
    }),
  ).map((file) => path.relative(root, file).split(path.sep).join('/'));
}

/** Every code block of the scanned files, in file order. */
export function collectBlocks(root = REPO_ROOT): CodeBlock[] {
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  return [
    ...markdownFiles(root).flatMap((file) => markdownBlocks(read(file), file)),
    ...exampleSourceFiles(root).flatMap((file) => exampleBlocks(read(file), file)),
  ];
}
