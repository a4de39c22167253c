import { describe, expect, test } from 'vitest';
import { intListOption, intOption, numberOption, parseArgs, requiredOption } from './args.js';

const specs = {
  train: { values: ['flow', 'steps', 'lr', 'hidden'], flags: ['json'] },
  sample: { values: ['n'], flags: [], aliases: { n: 'n' } },
};

describe('parseArgs', () => {
  test('reads values, switches, = forms and aliases', () => {
    const a = parseArgs(['train', '--flow', 'realnvp', '--steps=10', '--json', '--hidden', '64,32'], specs);
    expect(a.command).toBe('train');
    expect(requiredOption(a, 'flow')).toBe('realnvp');
    expect(intOption(a, 'steps', 1)).toBe(10);
    expect(intListOption(a, 'hidden')).toEqual([64, 32]);
    expect(a.flags.has('json')).toBe(true);
    expect(intOption(parseArgs(['sample', '-n', '5'], specs), 'n', 1)).toBe(5);
  });
  test('names the problem in every error', () => {
    expect(() => parseArgs([], specs)).toThrow(/missing command/);
    expect(() => parseArgs(['fly'], specs)).toThrow(/unknown command 'fly'/);
    // Names of Object.prototype are neither commands nor aliases (found by fuzzing).
    expect(() => parseArgs(['toString'], specs)).toThrow(/unknown command 'toString'/);
    expect(() => parseArgs(['sample', '-constructor', '1'], specs)).toThrow(/unknown option '-constructor'/);
    expect(() => parseArgs(['train', '--bogus', '1'], specs)).toThrow(/unknown option '--bogus' for train/);
    expect(() => parseArgs(['train', '--flow'], specs)).toThrow(/--flow needs a value/);
    expect(() => parseArgs(['train', '--json=1'], specs)).toThrow(/takes no value/);
    expect(() => intOption(parseArgs(['train', '--steps', '1.5'], specs), 'steps', 1)).toThrow(
      /--steps must be an integer/,
    );
    expect(() => numberOption(parseArgs(['train', '--lr', 'fast'], specs), 'lr', 1)).toThrow(
      /--lr must be a number/,
    );
    expect(() => intListOption(parseArgs(['train', '--hidden', '64,x'], specs), 'hidden')).toThrow(
      /--hidden must be/,
    );
    expect(() => requiredOption(parseArgs(['train'], specs), 'flow')).toThrow(/train needs --flow/);
  });
});
