// The pinned Glow benchmark architecture of issue #16 (shared by the glow benchmarks).
import { Flow, StandardNormal } from '@bijective/core';
import { Glow } from '@bijective/glow';

/** The pinned architecture. */
export function pinnedGlow(seed = 0): Flow {
  const glow = new Glow({
    imageShape: [28, 28, 1],
    levels: 2,
    stepsPerLevel: 6,
    hiddenChannels: 64,
    splitPrior: 'standard',
    logitAlpha: 0.05,
    seed,
  });
  return new Flow(new StandardNormal({ eventShape: [...glow.eventShape] }), glow);
}
