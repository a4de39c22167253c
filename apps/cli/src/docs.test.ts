import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { COMMAND_DOCS } from './command-docs.js';
import { commandHelp } from './help.js';

const guide = readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'docs', 'cli.md'), 'utf8');

/** The part of docs/cli.md under `### \`command\``, up to the next heading of that level. */
function section(command: string): string {
  const start = guide.indexOf(`### \`${command}\``);
  expect(start, `docs/cli.md has a section for ${command}`).toBeGreaterThan(0);
  const end = guide.indexOf('\n### ', start + 1);
  return guide.slice(start, end < 0 ? undefined : end);
}

describe('docs/cli.md and --help', () => {
  test.each(COMMAND_DOCS.map((d) => [d.name, d] as const))(
    '%s: every option is in the guide and in --help',
    (name, doc) => {
      const text = section(name);
      const help = commandHelp(name).replace(/\s+/g, ' ');
      for (const option of doc.options) {
        expect(text, `docs/cli.md, ${name}: --${option.name}`).toContain(`--${option.name}`);
        expect(help).toContain(option.alias === option.name ? `-${option.name}` : `--${option.name}`);
        if (option.default) expect(help).toContain(`default: ${option.default}`);
      }
      expect(doc.examples.length).toBeGreaterThanOrEqual(2);
    },
  );
  test('the guide never points at design notes users do not have', () => {
    expect(guide).not.toMatch(/shared\/design|\.\.\/shared/);
  });
});
