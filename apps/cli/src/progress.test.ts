import { describe, expect, test } from 'vitest';
import { ProgressBar } from './progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
}

describe('ProgressBar', () => {
  test('draws a throttled bar with the running loss on a terminal', () => {
    const { out, stream } = sink(true);
    let clock = 0;
    const bar = new ProgressBar(10, stream, true, 100, () => clock);
    bar.update(1, 2.5);
    clock = 50;
    bar.update(2, 2.4);
    clock = 200;
    bar.update(3, 2.3, 2.35);
    bar.update(10, 2.0);
    bar.finish();
    expect(out).toHaveLength(4);
    expect(out[1]).toContain('3/10 loss 2.3000 val 2.3500');
    expect(out[2]).toContain('[##############################] 10/10');
    expect(out[3]).toBe('\n');
  });
  test('stays silent when disabled or not on a terminal', () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { out, stream } = sink(tty);
      const bar = new ProgressBar(5, stream, enabled);
      bar.update(5, 1);
      bar.finish();
      expect(out).toHaveLength(0);
    }
  });
});
