import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { bundleForBrowser } from '../../../tools/browser-test/bundle.js';

it('a browser bundle of a bare `import "@bijective/backend-wasm"` keeps the registration and no Node module', async () => {
  // esbuild fails on any `node:` import when bundling for the browser, so getting here shows there is none.
  const { code, warnings } = await bundleForBrowser(
    "import '@bijective/backend-wasm';",
    fileURLToPath(new URL('.', import.meta.url)),
  );
  expect(warnings).toEqual([]);
  expect(code).toContain('register("backend", "wasm"');
});
