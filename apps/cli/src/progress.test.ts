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

describe('ProgressBar on a time budget', () => {
  test('a step past the total draws a full bar instead of throwing', () => {
    const { out, stream } = sink(true);
    const bar = new ProgressBar(10, stream, 'bar', 0, 0, () => 0);
    expect(() => bar.update(25, 1)).not.toThrow();
    expect(out[0]).toContain('[##############################] 25/10');
    const lines = sink(false);
    const quiet = new ProgressBar(10, lines.stream, 'lines', 0, 100, () => 1000);
    quiet.update(25, 1);
    expect(lines.out[0]).toMatch(/^step 25\/10 \(100%\).*done/);
  });

  test('follows the projected total of each step, in both modes', () => {
    const { out, stream } = sink(true);
    let clock = 0;
    const bar = new ProgressBar(10, stream, 'bar', 0, 0, () => clock);
    bar.update(5, 1, undefined, undefined, 100);
    expect(out[0]).toContain('[##----------------------------] 5/~100');
    clock = 1000;
    bar.update(150, 1, undefined, undefined, 150);
    expect(out[1]).toContain('[##############################] 150/~150');

    const lines = sink(false);
    clock = 0;
    const log = new ProgressBar(10, lines.stream, 'lines', 0, 100, () => clock);
    // A 4-second budget: 100 steps/s for 2 s, then 50 steps/s; fit projects done / fraction of the time.
    for (let step = 1; clock < 4000; step++) {
      clock = step <= 200 ? step * 10 : 2000 + (step - 200) * 20;
      const fraction = clock / 4000;
      log.update(
        step,
        1,
        undefined,
        undefined,
        fraction >= 1 ? step : Math.max(step + 1, Math.round(step / fraction)),
      );
    }
    // A line at each tenth of the budget, the last at the end of the run.
    expect(lines.out[0]).toBe('step 40/~400 (10%)  loss 1.0000  100.0 steps/s  ETA 4s\n');
    expect(lines.out.at(-1)).toMatch(/^step 300\/~300 \(100%\).*done\n$/);
    expect(lines.out).toHaveLength(10);
  });

  test('a resumed budget run counts the tenths from its first projection', () => {
    const { out, stream } = sink(false);
    let clock = 0;
    // The placeholder total (the recipe's 10) is far below the resumed step: the projection replaces it.
    const log = new ProgressBar(10, stream, 'lines', 500, 100, () => clock);
    for (let step = 501; step <= 1000; step++) {
      clock = (step - 500) * 10;
      log.update(step, 1, undefined, undefined, 1000);
    }
    expect(out[0]).toMatch(/^step 600\/~1000 \(60%\)/);
    expect(out).toHaveLength(5);
  });
});
