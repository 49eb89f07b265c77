// studio-worker.js - the worker that owns the WASM module (Squoosh's split: the UI thread
// never computes). Messages: {id, op, args} in; {id, result} | {id, error} | {id, progress} out.
import { loadCore, StudioError } from './core.js';
import { sessionOps } from './session.js';

const isNode = typeof self === 'undefined';
const port = isNode
  ? await import('node:worker_threads').then(({ parentPort }) => ({
      post: (m, t) => parentPort.postMessage(m, t),
      listen: (f) => parentPort.on('message', f),
    }))
  : { post: (m, t) => self.postMessage(m, t), listen: (f) => self.addEventListener('message', (e) => f(e.data)) };

let core = null;

const ops = {
  async init({ build, threads }) {
    core = await loadCore({ build, threads });
    return { build: core.build, threads: core.threads };
  },
  info: (bytes) => core.probe(bytes),
  decode: (bytes, opts) => core.decode(bytes, opts),
  encode: (image, opts) => core.encode(image, opts),
  resize: (image, w, h, opts) => core.resize(image, w, h, opts),
  enhance: (input, opts) => core.enhance(input, opts),
  loadModel: (bytes, pts) => core.loadModel(bytes, pts),
  convertModel: (bytes, opts) => core.convertModel(bytes, opts),
  colorize: (input, opts) => core.colorize(input, opts),
  confidence: () => core.confidence(),
  readHints: (hints, size) => core.readHints(hints, size),
  dispose() { core?.dispose(); core = null; return true; },
  ...sessionOps(() => core),
};

// Transfer big buffers and bitmaps back instead of copying them (the core made copies).
const isBitmap = (x) => typeof ImageBitmap === 'function' && x instanceof ImageBitmap;
function transferables(result) {
  if (result instanceof Uint8Array) return [result.buffer];
  if (result?.data instanceof Uint8Array) return [result.data.buffer];
  if (isBitmap(result)) return [result];
  if (isBitmap(result?.thumb)) return [result.thumb];
  if (isBitmap(result?.preview)) return [result.preview];
  if (result?.preview?.data instanceof Uint8Array) return [result.preview.data.buffer];
  return [];
}

port.listen(async ({ id, op, args = [] }) => {
  try {
    if (!ops[op]) throw new StudioError('argument', `unknown operation '${op}'`);
    if (op !== 'init' && !core) throw new StudioError('internal', 'the worker has no module loaded');
    if (core) core.setProgress((stage, fraction) => { port.post({ id, progress: { stage, fraction } }); return 0; });
    const result = await ops[op](...args);
    port.post({ id, result }, transferables(result));
  } catch (e) {
    port.post({ id, error: { code: e.code || 'internal', message: e.message || String(e) } });
  }
});
