import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildTestPlugin, cliHarness, expectUsageError, listing, type CliHarness } from './test-harness.js';

/**
 * The plugin the CLI loads here: a TypeScript module bundled like a published plugin (its own copy
 * of @bijective/core, tfjs external). Swap PLUGIN_SOURCE, FLOW and DATASET for another plugin.
 */
const PLUGIN_SOURCE = resolve(import.meta.dirname, 'test-fixtures', 'acme-plugin.ts');
const FLOW = 'acme/linear-flow';
const DATASET = 'acme/blobs';

let harness: CliHarness;
let dir = '';
let plugin = '';
const cli = (...args: string[]) => harness.cli(...args);

beforeAll(async () => {
  harness = await cliHarness('bijective-plugins-');
  dir = harness.dir;
  plugin = await buildTestPlugin(PLUGIN_SOURCE);
}, 60_000);

describe('plugins', () => {
  test('--plugin makes a third-party flow and dataset listable, trainable and loadable', () => {
    const list = cli('list', '--plugin', plugin, '--json');
    expect(list.status, list.stderr).toBe(0);
    const registered = JSON.parse(list.last);
    expect(registered.flows).toContain(FLOW);
    expect(registered.datasets).toContain(DATASET);
    expect(JSON.parse(cli('list', '--json').last).flows).not.toContain(FLOW);

    const r = cli(
      'train',
      '--plugin',
      plugin,
      '--flow',
      FLOW,
      '--data',
      DATASET,
      '--steps',
      '30',
      '--out',
      'acme',
      '--json',
      '--quiet',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.last)).toMatchObject({ flow: FLOW, data: DATASET, dims: 2 });
    const e = cli('eval', '--plugin', plugin, '--model', 'acme', '--data', DATASET, '--json');
    expect(e.status, e.stderr).toBe(0);
    expect(Number.isFinite(JSON.parse(e.last).nll)).toBe(true);
  });

  test('a model that names an unregistered component says which plugin module to load', () => {
    const before = listing(dir);
    expectUsageError(
      cli('eval', '--model', 'acme', '--data', 'moons'),
      new RegExp(
        `'${FLOW}' comes from the plugin '.*acme-plugin\\.mjs' this model was trained with: pass --plugin`,
      ),
    );
    expect(listing(dir)).toEqual(before);
  });

  test('bijective.config.json in the working directory lists plugins', () => {
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'bijective.config.json'), JSON.stringify({ plugins: [plugin] }));
    const e = harness.cliWith({ cwd: project }, 'eval', '--model', '../acme', '--data', DATASET, '--json');
    expect(e.status, e.stderr).toBe(0);
    expect(JSON.parse(harness.cliWith({ cwd: project }, 'list', '--json').last).flows).toContain(FLOW);
  });

  test('bad plugins and bad config files are usage errors', () => {
    const before = listing(dir);
    expectUsageError(cli('list', '--plugin', './missing.mjs'), /plugin '\.\/missing\.mjs' does not exist/);
    expectUsageError(
      cli('list', '--plugin', 'no-such-bijective-plugin'),
      /plugin 'no-such-bijective-plugin' cannot be found/,
    );
    expect(listing(dir)).toEqual(before);
    writeFileSync(join(dir, 'broken.mjs'), "throw new Error('broken on purpose');\n");
    expectUsageError(
      cli('list', '--plugin', './broken.mjs'),
      /plugin '\.\/broken\.mjs' failed to load: broken on purpose/,
    );
    for (const [config, pattern] of [
      ['{not json', /bijective\.config\.json: not valid JSON/],
      ['{"plugin": []}', /unknown key 'plugin'; known: plugins/],
      ['{"plugins": "x"}', /"plugins" must be a list/],
      ['[]', /expected an object/],
    ] as const) {
      const project = join(dir, `config-${listing(dir).length}`);
      mkdirSync(project);
      writeFileSync(join(project, 'bijective.config.json'), config);
      expectUsageError(harness.cliWith({ cwd: project }, 'list'), pattern);
      expect(listing(project)).toEqual(['bijective.config.json']);
    }
  });
});
