import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { bundleForBrowser } from '../../../tools/browser-test/bundle.js';

it('a browser bundle of a bare `import "@bijective/backend-webgl"` keeps the registration', async () => {
  const { code, warnings } = await bundleForBrowser(
    "import '@bijective/backend-webgl';",
    fileURLToPath(new URL('.', import.meta.url)),
  );
  expect(warnings).toEqual([]);
  expect(code).toContain('register("backend", "webgl"');
});
