// The TypeScript blocks of docs/ffjord.md run as written (each as its own module; imports of
// '@bijective/cnf' resolve to this package's source).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const guide = readFileSync(join(here, '..', '..', '..', 'docs', 'ffjord.md'), 'utf8');
const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe('docs/ffjord.md', () => {
  test('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  test.each(blocks.map((code, i) => [i + 1, code] as const))(
    'block %i runs',
    async (index, code) => {
      const dir = join(here, `.docs-${process.pid}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `block-${index}.ts`);
      try {
        writeFileSync(file, code.replaceAll("from '@bijective/cnf'", "from '../index.js'"));
        await import(pathToFileURL(file).href);
      } finally {
        rmSync(file, { force: true });
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
