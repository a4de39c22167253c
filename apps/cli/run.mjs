// Runs the CLI from the repository: rebuilds the bundle (esbuild, well under a second), then starts it.
// Under the root package.json's `pnpm bijective` script, pnpm starts this in the repository root and
// passes the user's directory as INIT_CWD: relative paths are read from there, as the user typed them.
import { buildCli } from './build.mjs';

if (process.env.npm_lifecycle_event === 'bijective' && process.env.INIT_CWD)
  process.chdir(process.env.INIT_CWD);
const bundle = await buildCli();
await import(bundle);
