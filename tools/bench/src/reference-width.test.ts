import { describe, expect, test } from 'vitest';
import { parseReferenceHidden, torchHiddenArgs, torchModel } from './reference-width.js';

describe('reference width', () => {
  test('no width: the reference default, stored as the plain torch row with no extra flag', () => {
    expect(parseReferenceHidden('')).toBeUndefined();
    expect(torchModel('maf')).toBe('maf (torch)');
    expect(torchHiddenArgs(undefined)).toEqual([]);
  });
  test('equal widths name the row by its width and pass --hidden to flows.py', () => {
    const hidden = parseReferenceHidden('128,128');
    expect(hidden).toEqual([128, 128]);
    expect(torchModel('realnvp', hidden)).toBe('realnvp (torch, 128 wide)');
    expect(torchHiddenArgs(hidden)).toEqual(['--hidden', '128,128']);
  });
  test('unequal widths are spelled out, so two widths never share a stored row', () => {
    expect(torchModel('nsf', [128, 64])).toBe('nsf (torch, hidden 128,64)');
    expect(torchModel('nsf', [128, 64])).not.toBe(torchModel('nsf', [128, 128]));
  });
  test('a width that is not a positive integer is one clear error', () => {
    expect(() => parseReferenceHidden('128,abc')).toThrow(/--reference-hidden/);
    expect(() => parseReferenceHidden('0,64')).toThrow(/positive integers/);
    expect(() => parseReferenceHidden('64.5')).toThrow(/positive integers/);
  });
});
