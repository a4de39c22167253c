// Shared test set-up: registers tfjs's wasm backend and points it at the binaries of the installed
// package (Node has no page URL to fetch them from). Import it for its side effect.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

const wasmPackage = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
setWasmPaths(path.join(path.dirname(wasmPackage), 'dist') + path.sep);
