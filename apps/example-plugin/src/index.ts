/**
 * An example third-party plugin for bijective: the sinh-arcsinh bijector (Jones & Pewsey 2009),
 * registered as `acme/sinh-arcsinh` on import, with typed options. The template a plugin author copies.
 * @module @acme/bijective-sinh-arcsinh
 */
import { registerSinhArcsinh } from './register.js';

export { MAX_LOG_TAILWEIGHT, SinhArcsinh, type SinhArcsinhOptions } from './sinh-arcsinh.js';
export { registerSinhArcsinh } from './register.js';

registerSinhArcsinh();
