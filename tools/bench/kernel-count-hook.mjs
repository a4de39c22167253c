// A Node preload (`node --import ./kernel-count-hook.mjs bundle.mjs ...`) for cli-loop-kernels: it
// wraps tfjs's engine as soon as tfjs creates it (the global `_tfengine`) and, at exit, writes the
// kernel calls and exclusive CPU ms by kernel name and the process's CPU ms to the JSON file named
// by KERNEL_COUNT_OUT. Works with any CLI bundle, so an older bundle can be counted the same way.
import { writeFileSync } from 'node:fs';

const outPath = process.env.KERNEL_COUNT_OUT;
const counts = {};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};

function wrap(engine) {
  const original = engine.runKernel;
  const stack = [];
  engine.runKernel = function (name, ...rest) {
    const started = cpu();
    stack.push(0);
    try {
      return original.call(this, name, ...rest);
    } finally {
      const inner = stack.pop();
      const total = cpu() - started;
      if (stack.length > 0) stack[stack.length - 1] += total;
      const entry = (counts[name] ??= { calls: 0, ms: 0 });
      entry.calls += 1;
      entry.ms += total - inner;
    }
  };
}

if (outPath) {
  let engine;
  Object.defineProperty(globalThis, '_tfengine', {
    configurable: true,
    get: () => engine,
    set: (value) => {
      engine = value;
      if (value) wrap(value);
    },
  });
  process.on('exit', () => writeFileSync(outPath, JSON.stringify({ cpuMs: cpu(), kernels: counts })));
}
