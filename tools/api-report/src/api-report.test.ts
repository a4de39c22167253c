// The checked-in API reports (packages/*/API.md) match the sources, so every public API change is a
// reviewed diff: run `pnpm run api:update` after changing an export on purpose.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, allReports } from './report.js';

const reports = allReports();
// `pnpm run api:update` sets API_UPDATE=1: the reports are rewritten, then compared as usual.
if (process.env.API_UPDATE === '1')
  for (const [file, text] of reports) writeFileSync(path.join(ROOT, file), text);

test('every published package has an API report', () => {
  expect(reports.size).toBeGreaterThanOrEqual(13);
});

test.each([...reports.keys()])('%s is up to date (pnpm run api:update)', (file) => {
  const onDisk = existsSync(path.join(ROOT, file)) ? readFileSync(path.join(ROOT, file), 'utf8') : '';
  expect(onDisk, `${file} is out of date: run \`pnpm run api:update\` and review the diff`).toBe(
    reports.get(file),
  );
});
