// The plugin example of the README runs: its code block is ./plugin-example.ts, which must register a
// bijector that passes the conformance kit and saves its options as declared.
import '@tensorflow/tfjs-backend-cpu';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptionError, createBijector, createByName } from '@bijective/core';
import { checkBijector } from '@bijective/testing';
import { expect, test } from 'vitest';
import './plugin-example.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

test("the README's plugin example is this file's code", async () => {
  const [readme, example] = await Promise.all([
    readFile(path.join(HERE, '../../../README.md'), 'utf8'),
    readFile(path.join(HERE, 'plugin-example.ts'), 'utf8'),
  ]);
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});

test('the example plugin conforms, checks its options and saves every default', () => {
  checkBijector('acme/sinh', (d) => createByName('bijector', 'acme/sinh', { eventShape: [d], gain: 0.7 }));
  expect(() => createByName('bijector', 'acme/sinh', { eventShape: [2], gain: 0 })).toThrow(
    "acme/sinh: option 'gain' must be a finite number > 0, got 0",
  );
  expect(() => createByName('bijector', 'acme/sinh', { eventShape: [2], gian: 2 })).toThrow(OptionError);
  const b = createBijector({ name: 'acme/sinh', options: { eventShape: [2, 3] } });
  expect(b.getConfig()).toEqual({ name: 'acme/sinh', options: { eventShape: [2, 3], gain: 1 } });
  b.dispose();
});
