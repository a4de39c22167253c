import * as tf from '@tensorflow/tfjs-core';
import { OptionError, type BackendProvider } from '@bijective/core';

/** Options of the `webgl` backend: it takes none, so only `{}` is accepted. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WebglBackendOptions {}

declare module '@bijective/core' {
  interface BackendOptionsMap {
    /** tfjs's WebGL backend: runs on the GPU in browser pages and in workers with OffscreenCanvas. */
    webgl: WebglBackendOptions;
  }
}

/**
 * Provides tfjs's `webgl` backend. Its {@link WebglBackendProvider.prepare} fails fast, with the
 * reason, where there is no WebGL (Node, or a browser with WebGL disabled), instead of letting
 * tfjs fall back to another backend without a word.
 */
export class WebglBackendProvider implements BackendProvider {
  /** The tfjs backend name. */
  readonly name = 'webgl';

  /** Checks the options: the webgl backend takes none, so any key is a mistake worth reporting. */
  constructor(options: WebglBackendOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new OptionError(`webgl backend: options must be an object (got ${String(options)})`);
    }
    const keys = Object.keys(options);
    if (keys.length > 0)
      throw new OptionError(`webgl backend: unknown option(s) ${keys.join(', ')}; it takes none`);
  }

  /**
   * Throws the reason when this environment cannot run WebGL: no canvas at all (Node), or no
   * context (WebGL disabled or blocklisted). The context check is tfjs's own (`WEBGL_VERSION`),
   * whose context tfjs then reuses.
   */
  async prepare(): Promise<void> {
    if (typeof document === 'undefined' && typeof OffscreenCanvas === 'undefined') {
      const where =
        typeof process !== 'undefined' && process.versions?.node
          ? `Node.js ${process.versions.node}`
          : 'this environment';
      throw new Error(
        `WebGL needs a browser page or a worker with OffscreenCanvas; ${where} has neither (use wasm or cpu)`,
      );
    }
    if (tf.env().getNumber('WEBGL_VERSION') === 0) {
      throw new Error(
        'this browser could not create a WebGL context (WebGL is disabled, blocklisted or unsupported here)',
      );
    }
  }
}
