// One-shot set-up for a fresh machine with only Node 20 and npm: pins pnpm, installs the workspace.
import { execSync } from 'node:child_process';

const PNPM = '12.4.2';
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const version = (() => {
  try {
    return execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
})();
if (version !== PNPM) {
  console.error(`setup: installing pnpm ${PNPM} (found ${version ?? 'none'})`);
  run(`npm install --global pnpm@${PNPM}`);
}
run('pnpm install --frozen-lockfile=false --reporter=append-only');
