// Removes the package's dist/ before a build, so files of moved or deleted modules are never shipped.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
