// Runs the CLI from the repository: rebuilds the bundle (esbuild, well under a second), then starts it.
import { buildCli } from './build.mjs';

const bundle = await buildCli();
await import(bundle);
