import type * as tf from '@tensorflow/tfjs-core';
import { formatBytes, LIMITS } from '../limits.js';
import { messageOf, ModelFileError, quoted } from './errors.js';
import type { NamedIOHandler } from './format.js';
import { parseModelJson } from './model-json.js';
import { checkWeightLimits, checkWeightSpecs, weightSpecsByteLength } from './weights.js';

/** Options of {@link httpModelHandler}. */
export interface HttpModelOptions {
  /** The fetch function (default: the global `fetch`). */
  fetch?: typeof fetch;
  /** Request options passed to every fetch (credentials, headers, ...). */
  requestInit?: RequestInit;
}

/** The error for a body longer than `maxBytes`. */
type TooLong = (bytes: number) => ModelFileError;

/** Reads a response body, refusing it (and cancelling the download) once it exceeds `maxBytes`. */
async function readBody(response: Response, maxBytes: number, tooLong: TooLong): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLong(declared);
  if (response.body === null) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw tooLong(bytes.byteLength);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLong(total);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Fetches `url` and reads at most `maxBytes` of its body; network and HTTP errors name the URL. */
async function fetchBytes(
  url: string,
  maxBytes: number,
  options: HttpModelOptions,
  tooLong: TooLong = (bytes) =>
    new ModelFileError(
      url,
      `is ${formatBytes(bytes)} or more; at most ${formatBytes(maxBytes)} are read here`,
    ),
): Promise<Uint8Array> {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  if (typeof fetchFunction !== 'function') throw new ModelFileError(url, 'no fetch function here to load it');
  let response: Response;
  try {
    response = await fetchFunction(url, options.requestInit);
  } catch (e) {
    throw new ModelFileError(url, `cannot be fetched: ${messageOf(e)}`, { cause: e });
  }
  if (!response.ok) throw new ModelFileError(url, `HTTP ${response.status} ${response.statusText}`.trim());
  try {
    return await readBody(response, maxBytes, tooLong);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(url, `download failed: ${messageOf(e)}`, { cause: e });
  }
}

/**
 * The URL of a weights shard listed in the manifest of the model at `modelUrl`: a relative path
 * resolved inside the model's folder (the model URL's query string is appended, as tfjs does for
 * signed URLs). Absolute URLs, absolute paths and paths that leave the folder are refused.
 */
export function weightsUrl(modelUrl: URL, relative: string, modelFile: string): string {
  const folder = new URL('.', modelUrl);
  let resolved: URL | undefined;
  try {
    resolved = new URL(relative, modelUrl);
  } catch {
    resolved = undefined;
  }
  const leaves =
    resolved === undefined ||
    relative === '' ||
    /^[a-z][a-z0-9+.-]*:/i.test(relative) ||
    /^[/\\]/.test(relative) ||
    resolved.origin !== folder.origin ||
    !resolved.pathname.startsWith(folder.pathname) ||
    resolved.pathname === folder.pathname;
  if (leaves || resolved === undefined) {
    throw new ModelFileError(
      modelFile,
      `weightsManifest path ${quoted(relative)} is not a file inside the model's folder ${folder.href}`,
    );
  }
  if (!relative.includes('?')) resolved.search = modelUrl.search;
  return resolved.href;
}

/**
 * A tfjs IO handler that loads a bijective model over HTTP(S) (browsers, Node >= 18): fetches
 * `model.json` (at most `LIMITS.maxModelJsonBytes`), checks it and its weights manifest against
 * the model-file limits before fetching any weights, resolves each shard path inside the model's
 * folder, and reads each shard only up to the size its manifest gives. `loadFlow('https://...')`
 * uses it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createServer } from 'node:http';
 * import { readFileSync } from 'node:fs';
 * import { Flow, StandardNormal, create, httpModelHandler, loadFlow, useBackend } from '@bijective/core';
 * import { saveFlowToDirectory } from '@bijective/core/node';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const original = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'affine', { eventShape: [2], shift: 1 }));
 * await saveFlowToDirectory(original, 'served');
 * // A local server standing in for https://example.org/models/moons/ (model.json and weights.bin).
 * const server = createServer((req, res) => res.end(readFileSync(`served${req.url}`))).listen(0, '127.0.0.1');
 * await new Promise((ready) => server.once('listening', ready));
 * const { port } = server.address() as { port: number };
 *
 * const { flow } = await loadFlow(httpModelHandler(`http://127.0.0.1:${port}/model.json`));
 * console.log(flow.logProb(tf.ones([1, 2])).arraySync()); // the original's log-density at (1, 1): [-1.8379]
 * server.close();
 * ```
 */
export function httpModelHandler(url: string, options: HttpModelOptions = {}): NamedIOHandler {
  return {
    modelFileNames: { model: url, weights: `${url} (weights)` },
    async load(): Promise<tf.io.ModelArtifacts> {
      let modelUrl: URL;
      try {
        modelUrl = new URL(url);
      } catch (e) {
        throw new ModelFileError(url, `is not a valid URL (${messageOf(e)})`, { cause: e });
      }
      const bytes = await fetchBytes(url, LIMITS.maxModelJsonBytes, options);
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new ModelFileError(url, `invalid JSON (${messageOf(e)})`, { cause: e });
      }
      const { artifacts, weightsManifest } = parseModelJson(json, url);
      checkWeightLimits(checkWeightSpecs(artifacts.weightSpecs, url), url);
      const groups = weightsManifest.map((group) => ({
        urls: group.paths.map((p) => weightsUrl(modelUrl, p, url)),
        expected: weightSpecsByteLength(group.weights),
        tensors: group.weights.length,
      }));
      const shards: ArrayBuffer[] = [];
      for (const { urls, expected, tensors } of groups) {
        let found = 0;
        const buffers: Uint8Array[] = [];
        for (const shard of urls) {
          const tooLong = () =>
            new ModelFileError(
              urls.join(', '),
              `corrupt (longer than its manifest): model.json describes ${expected} bytes (${tensors} tensors)`,
            );
          const data = await fetchBytes(shard, expected - found, options, tooLong);
          found += data.byteLength;
          buffers.push(data);
        }
        if (found !== expected) {
          throw new ModelFileError(
            urls.length > 0 ? urls.join(', ') : `${url} (a weightsManifest group without paths)`,
            `truncated: model.json describes ${expected} bytes (${tensors} tensors), found ${found}`,
          );
        }
        for (const b of buffers)
          shards.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      }
      return { ...artifacts, weightData: shards.length === 1 ? (shards[0] as ArrayBuffer) : shards };
    },
  };
}
