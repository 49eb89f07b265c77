// studio-worker.js - the worker that owns the WASM module (Squoosh's split: the UI thread
// never computes). Messages: {id, op, args} in; {id, result} | {id, error} | {id, progress} out.
// No top-level await and no node: import, so bundlers may build it as a classic worker.
import { loadCore, StudioError } from './core.js';
import { sessionOps } from './session.js';
import { nodeBuiltin } from './shared.js';

const parentPort = typeof self === 'undefined' ? nodeBuiltin('node:worker_threads').parentPort : null;
const port = parentPort
  ? { post: (m, t) => parentPort.postMessage(m, t), listen: (f) => parentPort.on('message', f) }
  : { post: (m, t) => self.postMessage(m, t), listen: (f) => self.addEventListener('message', (e) => f(e.data)) };

let core = null;

const ops = {
  async init({ build, threads, assetsUrl }, report) {
    core = await loadCore({ build, threads, assetsUrl, onFetched: () => report('starting', 0), onWorker: (event, k, detail) => report(event, k, detail) });
    return { build: core.build, threads: core.threads };
  },
  info: (bytes) => core.probe(bytes),
  decode: (bytes, opts) => core.decode(bytes, opts),
  encode: (image, opts) => core.encode(image, opts),
  resize: (image, w, h, opts) => core.resize(image, w, h, opts),
  enhance: (input, opts) => core.enhance(input, opts),
  restore: (input, opts) => core.restore(input, opts),
  analyzeFade: (input) => core.analyzeFade(input),
  repair: (input, opts) => core.repair(input, opts),
  detectDamage: (input, opts) => core.repairDetect(input, opts),
  loadModel: (bytes, pts) => core.loadModel(bytes, pts),
  convertModel: (bytes, opts) => core.convertModel(bytes, opts),
  colorize: (input, opts) => core.colorize(input, opts),
  confidence: () => core.confidence(),
  readHints: (hints, size) => core.readHints(hints, size),
  memory: () => ({ heap: core.heapBytes() }),
  dispose() { core?.dispose(); core = null; return true; },
  ...sessionOps(() => core),
  // Test-only (the page never sends it; tests/browser/bigphoto.test.mjs posts it to the
  // worker directly): the next of these operations runs with the module's memory all but
  // taken, so a test sees a real allocation failure in the core and what the page does next.
  testStarveNext(list = ['run']) { starveNext = list; return true; },
};
let starveNext = null;

// A failure as the page shows it. The browser's own "allocation failed" (a JS buffer, the
// canvas) says what ran out, like the core's "out of memory ..." sentences do.
function failure(e) {
  if (e instanceof RangeError && /alloc|memory|Invalid typed array length|Array buffer/i.test(e.message))
    return { code: 'nomem', message: `the browser ran out of memory for this photo's pixels (${e.message})` };
  return { code: e.code || 'internal', message: e.message || String(e) };
}

// Transfer big buffers and bitmaps back instead of copying them (the core made copies).
const isBitmap = (x) => typeof ImageBitmap === 'function' && x instanceof ImageBitmap;
function transferables(result) {
  if (result instanceof Uint8Array) return [result.buffer];
  if (result?.mask?.data instanceof Uint8Array) return [result.data.buffer, result.mask.data.buffer]; /* repair's */
  if (result?.data instanceof Uint8Array) return [result.data.buffer];
  if (result?.bytes instanceof Uint8Array) return [result.bytes.buffer]; /* a converted model */
  if (isBitmap(result)) return [result];
  if (isBitmap(result?.thumb)) return [result.thumb];
  if (isBitmap(result?.preview)) return [result.preview];
  if (result?.preview?.data instanceof Uint8Array) return [result.preview.data.buffer];
  // the Repair mode's mask answers: the overlay's and the result's changed parts
  const parts = [result?.overlay?.image, result?.healed?.image].filter(isBitmap);
  if (parts.length) return parts;
  return [];
}

port.listen(async ({ id, op, args = [] }) => {
  try {
    if (!ops[op]) throw new StudioError('argument', `unknown operation '${op}'`);
    if (op !== 'init' && !core) throw new StudioError('internal', 'the worker has no module loaded');
    if (core) core.setProgress((stage, fraction) => { port.post({ id, progress: { stage, fraction } }); return 0; });
    const release = starveNext?.includes(op) ? (starveNext = null, core.fillHeap()) : null;
    let result;
    try {
      // init reports when the build's bytes are in (studio.js times the start from there), and
      // each pthread worker's start (core.js watchWorkers)
      result = op === 'init' ? await ops.init(args[0], (stage, fraction, detail) => port.post({ id, progress: { stage, fraction, detail } }))
        : await ops[op](...args);
    } finally {
      release?.();
    }
    port.post({ id, result }, transferables(result));
  } catch (e) {
    port.post({ id, error: failure(e) });
  }
});
