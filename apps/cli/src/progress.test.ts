import { describe, expect, test } from 'vitest';
import { ProgressBar, formatDuration, progressMode } from './progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
}

describe('ProgressBar', () => {
  test('draws a throttled bar with the running loss on a terminal', () => {
    const { out, stream } = sink(true);
    let clock = 0;
    const bar = new ProgressBar(10, stream, 'bar', 0, 100, () => clock);
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

  test('without a terminal, writes a line at every tenth with rate and ETA', () => {
    const { out, stream } = sink(false);
    let clock = 0;
    const bar = new ProgressBar(1000, stream, 'lines', 0, 100, () => clock);
    for (let step = 1; step <= 1000; step++) {
      clock = step * 10; // 100 steps/s
      bar.update(step, 1 / step, step === 150 ? 0.5 : undefined);
    }
    bar.finish();
    expect(out).toHaveLength(10);
    expect(out[0]).toBe('step 100/1000 (10%)  loss 0.0100  100.0 steps/s  ETA 9s\n');
    expect(out[1]).toBe('step 200/1000 (20%)  loss 0.0050  val NLL 0.5000  100.0 steps/s  ETA 8s\n');
    expect(out[9]).toContain('step 1000/1000 (100%)');
    expect(out[9]).toContain('done');
  });

  test('a resumed run counts its rate from the first step it runs', () => {
    const { out, stream } = sink(false);
    let clock = 0;
    const bar = new ProgressBar(100, stream, 'lines', 45, 100, () => clock);
    for (let step = 46; step <= 100; step++) {
      clock = (step - 45) * 100;
      bar.update(step, 1);
    }
    expect(out[0]).toMatch(/^step 50\/100 \(50%\).* 10\.0 steps\/s {2}ETA 5s/);
    expect(out).toHaveLength(6);
  });

  test('stays silent when off; the mode follows the stream and --quiet', () => {
    const { out, stream } = sink(false);
    const bar = new ProgressBar(5, stream, 'off');
    bar.update(5, 1);
    bar.finish();
    expect(out).toHaveLength(0);
    expect(progressMode({ isTTY: true, write: () => 0 }, false, false)).toBe('bar');
    expect(progressMode({ isTTY: true, write: () => 0 }, false, true)).toBe('off');
    expect(progressMode({ isTTY: false, write: () => 0 }, false, true)).toBe('lines');
    expect(progressMode({ isTTY: false, write: () => 0 }, true, false)).toBe('off');
    expect(formatDuration(3725)).toBe('1h 02m');
    expect(formatDuration(65)).toBe('1m 05s');
  });
});
