import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { COMMAND_DOCS } from './command-docs.js';
import { readCommandLine } from './command-line.js';
import { cliHarness, type CliHarness } from './test-harness.js';
import { UsageError } from './usage-error.js';

const COMMANDS = COMMAND_DOCS.map((d) => d.name);
const OPTIONS = [...new Set(COMMAND_DOCS.flatMap((d) => d.options.map((o) => o.name)))];

/** Option values: numbers of every shape, odd strings, JSON, paths and dashes. */
const value = fc.oneof(
  fc.integer({ min: -5, max: 100_000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-3',
    '1e309',
    'NaN',
    'Infinity',
    '0x10',
    '1,2',
    '64,x',
    '{}',
    '[]',
    '{"a":1}',
    'moons',
    'u1',
    'funnel',
    'logistic-regression',
    'label',
    '{"dimension":3}',
    '{"dimension":"x"}',
    'nope',
    '-',
    '--',
    '-n',
    'a=b',
  ),
  fc.string({ maxLength: 12 }),
);

/** One token: a known option (long, short, `=value` form) with a value, a switch, or noise. */
const token = fc.oneof(
  fc.tuple(fc.constantFrom(...OPTIONS), value).map(([o, v]) => [`--${o}`, v]),
  fc.tuple(fc.constantFrom(...OPTIONS), value).map(([o, v]) => [`--${o}=${v}`]),
  fc.constantFrom(...OPTIONS).map((o) => [`--${o}`]),
  fc.tuple(fc.constantFrom('-n', '-x', '-', '--', '---a'), value).map(([o, v]) => [o, v]),
  value.map((v) => [v]),
);

const argv = fc
  .tuple(
    fc.oneof(fc.constantFrom(...COMMANDS, 'help'), fc.string({ maxLength: 8 })),
    fc.array(token, { maxLength: 8 }),
  )
  .map(([command, tokens]) => [command, ...tokens.flat()]);

describe('command-line fuzzing', () => {
  test('every argv is read completely or refused with a one-line usage error (never an internal failure)', () => {
    fc.assert(
      fc.property(argv, (line) => {
        try {
          readCommandLine(line);
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('train --target lines (with --samples, --label-column, --target-options and data-only options) are read or refused', () => {
    const targetToken = fc.oneof(
      token,
      fc.tuple(
        fc.constantFrom('--samples', '--label-column', '--target-options', '--data', '--batch'),
        value,
      ),
    );
    const line = fc
      .tuple(fc.constantFrom('u1', 'funnel', 'nope', ''), fc.array(targetToken, { maxLength: 6 }))
      .map(([target, tokens]) => ['train', '--flow', 'planar', '--target', target, ...tokens.flat()]);
    let accepted = 0;
    fc.assert(
      fc.property(line, (argv) => {
        try {
          readCommandLine(argv);
          accepted++;
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
          expect(e.message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  test('train lines with --folds and the options it excludes (--max-seconds, --checkpoint-every) are read or refused', () => {
    const foldToken = fc.oneof(
      token,
      fc.tuple(
        fc.constantFrom('--folds', '--max-seconds', '--steps', '--checkpoint-every', '--val-fraction'),
        fc.oneof(value, fc.integer({ min: -2, max: 60 }).map(String)),
      ),
    );
    const line = fc
      .array(foldToken, { maxLength: 6 })
      .map((tokens) => ['train', '--flow', 'maf', '--data', 'table.csv', ...tokens.flat()]);
    let accepted = 0;
    fc.assert(
      fc.property(line, (argv) => {
        try {
          readCommandLine(argv);
          accepted++;
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
          expect(e.message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  describe('the bundled CLI', () => {
    let harness: CliHarness;
    beforeAll(async () => {
      harness = await cliHarness('bijective-fuzz-');
    }, 60_000);

    test('exits 0, or 2 with one error line, for random command lines that do no long work', () => {
      // No train (a valid line would train); every model is missing, so commands stop at once.
      const quick = fc
        .tuple(
          fc.constantFrom('eval', 'score', 'sample', 'plot', 'list', 'help', 'fly'),
          fc.array(token, { maxLength: 5 }),
        )
        .map(([command, tokens]) => [
          command,
          ...tokens.flat().filter((t) => !t.startsWith('--model') && !t.startsWith('--plugin')),
          '--model',
          'missing',
        ]);
      fc.assert(
        fc.property(quick, (line) => {
          const r = harness.cli(...line);
          expect([0, 2], `${line.join(' ')}\n${r.stderr}`).toContain(r.status);
          expect(r.stderr).not.toContain('internal failure');
          if (r.status === 2)
            expect(
              r.stderr
                .trim()
                .split('\n')
                .filter((l) => l.startsWith('error:')),
            ).toHaveLength(1);
        }),
        { numRuns: 10 },
      );
    }, 120_000);
  });
});
