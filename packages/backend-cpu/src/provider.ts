import { OptionError, type BackendProvider } from '@bijective/core';

/** Options of the `cpu` backend: it takes none, so only `{}` is accepted. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CpuBackendOptions {}

declare module '@bijective/core' {
  interface BackendOptionsMap {
    /** tfjs's plain JavaScript backend: runs everywhere, slowest. */
    cpu: CpuBackendOptions;
  }
}

/** Provides tfjs's `cpu` backend, which needs no loading and runs on every platform. */
export class CpuBackendProvider implements BackendProvider {
  /** The tfjs backend name. */
  readonly name = 'cpu';

  /** Checks the options: the cpu backend takes none, so any key is a mistake worth reporting. */
  constructor(options: CpuBackendOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new OptionError(`cpu backend: options must be an object (got ${String(options)})`);
    }
    const keys = Object.keys(options);
    if (keys.length > 0)
      throw new OptionError(`cpu backend: unknown option(s) ${keys.join(', ')}; it takes none`);
  }

  /** Nothing to load: the cpu backend is registered with tfjs on import and always initialises. */
  async prepare(): Promise<void> {}
}
