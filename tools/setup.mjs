// One-shot set-up for a fresh machine holding only Node 20 and npm: pins pnpm, installs the workspace.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PNPM = '12.4.2';
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const installed = (() => {
  try {
    return execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
})();
if (installed !== PNPM) {
  console.error(`setup: installing pnpm ${PNPM} (found ${installed ?? 'none'})`);
  run(`npm install --global pnpm@${PNPM}`);
}
const frozen = existsSync('pnpm-lock.yaml') ? '--frozen-lockfile' : '';
run(`pnpm install ${frozen} --reporter=append-only`);
