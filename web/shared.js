// shared.js - what both sides of the API need, the page's (studio.js) and the worker's
// (core.js): the error every call rejects with, and Node's built-ins reached at run time.

/** The kinds of failure, in the core's studio_status order. */
export const STATUS = ['ok', 'argument', 'nomem', 'format', 'unsupported', 'corrupt', 'too-large', 'cancelled', 'internal'];

/** A failure with .code (one of STATUS) and the core's sentence as .message. */
export class StudioError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
  }
}

export const isNode = typeof process === 'object' && !!process.versions?.node && typeof window === 'undefined';

/** A Node built-in module ('node:fs/promises', ...) without an import statement a bundler
 *  would try to follow; undefined outside Node. (process.getBuiltinModule: Node >= 20.16.) */
export const nodeBuiltin = (name) => globalThis.process?.getBuiltinModule?.(name);
