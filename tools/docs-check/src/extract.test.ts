import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { exampleBlocks, markdownBlocks, type CodeBlock } from './extract.js';
import { compareWithFile } from './run-blocks.js';
import { REPO_ROOT } from './sources.js';

const markdown = [
  '# Title', //                                  1
  '',
  '```ts', //                                     3: runs in Node
  "import { create } from '@bijective/core';",
  '```',
  '',
  '```sh', //                                     7: ignored
  'npm install @bijective/core',
  '```',
  '- a list item with an indented block:', //    10
  '',
  '  ```js', //                                   12: runs, dedented
  '  const a = 1;',
  '    const b = 2;',
  '  ```',
  '',
  '```ts browser', //                             17: bundled for the browser
  'await useBackend();',
  '```',
  '```ts no-run', //                              20: skipped
  'skipped();',
  '```',
  '```json file=apps/x/package.json', //          23: compared with a file
  '{}',
  '```',
  '````md', //                                    26: a longer fence holding a ts fence: ignored
  '```ts',
  'not a block',
  '```',
  '````',
].join('\n');

describe('markdownBlocks', () => {
  test('finds the ts/js and file= blocks with their lines, modes and dedented code', () => {
    const blocks = markdownBlocks(markdown, 'doc.md');
    expect(blocks.map((b) => [b.line, b.language, b.mode])).toEqual([
      [3, 'ts', 'node'],
      [12, 'js', 'node'],
      [17, 'ts', 'browser'],
      [20, 'ts', 'skip'],
      [23, 'json', 'file'],
    ]);
    expect(blocks[1]?.code).toBe('const a = 1;\n  const b = 2;\n');
    expect(blocks[4]?.sameAs).toBe('apps/x/package.json');
  });

  test('an unknown word on a ts fence or an unclosed fence is an error naming the line', () => {
    expect(() => markdownBlocks('text\n```ts runnable\nx\n```', 'a.md')).toThrow(
      /a\.md:2: code fence info 'runnable'/,
    );
    expect(() => markdownBlocks('```ts\nx\n', 'b.md')).toThrow(/b\.md:1: code fence never closed/);
  });
});

const source = [
  '/**', //                                       1
  ' * Fits a flow.',
  ' *',
  ' * @example',
  ' * ```ts', //                                  5
  ' * fit(flow, data);',
  ' * ```',
  ' * @param flow the flow',
  ' * ```ts',
  ' * notAnExample();', //                        10: under @param, not an example
  ' * ```',
  ' */',
  'export function fit() {}',
  '/** One line. */',
  '/**',
  ' * @example First',
  ' * ```ts', //                                  17
  ' * one();',
  ' * ```',
  ' * @example Second',
  ' * ```js', //                                  21
  ' * two();',
  ' * ```',
  ' */',
  '',
  'export class Flow {}',
].join('\n');

describe('exampleBlocks', () => {
  test('finds the blocks of @example tags only, with their source lines and symbols', () => {
    const blocks = exampleBlocks(source, 'src/a.ts');
    expect(blocks.map((b) => [b.line, b.symbol, b.code])).toEqual([
      [5, 'fit', 'fit(flow, data);\n'],
      [17, 'Flow', 'one();\n'],
      [21, 'Flow', 'two();\n'],
    ]);
  });
});

describe('compareWithFile', () => {
  const block = (code: string): CodeBlock => ({
    file: 'docs/x.md',
    line: 1,
    language: 'ts',
    mode: 'file',
    sameAs: 'tools/docs-check/package.json',
    code,
  });
  const text = readFileSync(path.join(REPO_ROOT, 'tools/docs-check/package.json'), 'utf8');

  test('passes a verbatim quote and names the first differing line of any other', () => {
    expect(compareWithFile(block(`\n${text}\n`), REPO_ROOT).ok).toBe(true);
    const edited = text.replace('"private": true', '"private": false');
    const outcome = compareWithFile(block(edited), REPO_ROOT);
    expect(outcome.ok).toBe(false);
    expect(outcome.report).toMatch(/differs from tools\/docs-check\/package.json at line 4 of the file/);
    expect(compareWithFile({ ...block(text), sameAs: 'no/such/file' }, REPO_ROOT).report).toMatch(
      /does not exist/,
    );
  });
});
