import * as tf from '@tensorflow/tfjs-core';
import { ModelFileError } from './errors.js';
import type { ModelFileNames, NamedIOHandler } from './format.js';
import { httpModelHandler } from './http-reader.js';

/** How each tfjs URL scheme is served, for errors about a URL no handler takes. */
const SCHEMES_HINT =
  "tfjs serves indexeddb://, localstorage:// and downloads:// in browsers and http(s):// for loading; in Node save to a directory with saveFlowToDirectory from '@bijective/core/node'";

/**
 * The handler for `url`: {@link httpModelHandler} to load http(s) URLs (it checks the model's
 * limits and weight paths before fetching weights), else the one tfjs handler registered for it
 * (through `tf.io.getSaveHandlers` / `getLoadHandlers`).
 */
export function handlerForUrl(url: string, purpose: 'save' | 'load'): tf.io.IOHandler {
  if (purpose === 'load' && /^https?:\/\//i.test(url)) return httpModelHandler(url);
  const handlers = purpose === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url);
  if (handlers.length === 0) {
    throw new ModelFileError(url, `no tfjs IO handler can ${purpose} this URL here; ${SCHEMES_HINT}`);
  }
  if (handlers.length > 1) {
    throw new ModelFileError(
      url,
      `${handlers.length} tfjs IO handlers claim this URL; pass the handler itself`,
    );
  }
  return handlers[0] as tf.io.IOHandler;
}

/** How errors name a model reached through `source`: its URL, its handler's own names, or generic names. */
export function namesOf(source: tf.io.IOHandler | string): ModelFileNames {
  if (typeof source === 'string') return { model: source, weights: `${source} (weights)` };
  const named = (source as Partial<NamedIOHandler>).modelFileNames;
  return named ?? { model: 'model', weights: 'model weights' };
}
