// studio.js - the JS API of Enhancement Studio, for pages and for Node.
//
//   import { createStudio } from './studio.js';
//   const studio = await createStudio();            // picks the build, starts the worker
//   const info = await studio.info(bytes);          // {format, width, height, ...}
//   const image = await studio.decode(bytes, { onProgress: (stage, f) => ... });
//   const png = await studio.encode(image, { format: 'png' });
//   const bright = await studio.enhance(bytes, { strength: 0.8, onProgress });
//   const restored = await studio.restore(bytes, { strength: 'auto' });   // restored.fade: the analysis
//   const fade = await studio.analyzeFade(bytes);   // {strength, colour, ...}: is it a faded colour print?
//   const repaired = await studio.repair(bytes, { sensitivity: 0.5 }); // repaired.mask: what was healed
//   const mask = await studio.detectDamage(bytes);  // the mask alone (1 channel, 255 = damaged)
//   const hinted = await studio.colorize(greyBytes, { hints: { width, height, points: [{ x, y, r: 4, rgb: [r, g, b] }] } });
//   await studio.loadModel('/models/colorization_release_v2.caffemodel', { onProgress });
//   const coloured = await studio.colorize(greyBytes);
//   studio.terminate();
//
// Every call runs in a worker that owns the WASM module; failures reject with a
// StudioError whose .code names the kind and whose .message is the core's sentence.
// cancel() stops the work in flight (the worker is replaced, as a blocked worker cannot
// read messages) and rejects pending calls with code 'cancelled'.

import { StudioError, isNode, nodeBuiltin } from './shared.js';

export { StudioError };

// The most threads a context uses (ES_WASM_POOL in CMakeLists.txt); the threaded module
// starts the workers the chosen count needs (core.js), not this many.
export const MAX_THREADS = 8;

// A minimal module that returns a v128 constant: valid only where WASM SIMD is.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

export function hasSimd() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

function cores() {
  if (typeof navigator === 'object' && navigator.hardwareConcurrency) return navigator.hardwareConcurrency;
  return 2;
}

/** Which build to run: threads only where shared memory is allowed (crossOriginIsolated in
 *  browsers; always in Node) and more than one thread is wanted. */
export function pickBuild({ threads = 'auto' } = {}) {
  const want = threads === 'auto' ? Math.min(cores(), MAX_THREADS) : Math.max(1, Math.min(threads | 0, MAX_THREADS));
  const shared = typeof SharedArrayBuffer === 'function' && (isNode || globalThis.crossOriginIsolated === true);
  return want > 1 && shared ? { build: 'mt', threads: want } : { build: 'st', threads: 1 };
}

// The worker, started from a literal `new Worker(new URL('./studio-worker.js',
// import.meta.url), ...)`: the form Vite and webpack 5 turn into a worker bundle of their own.
function spawn() {
  if (isNode) {
    // execArgv: not the parent's (`node --input-type=module -e ...` would refuse to start it)
    const w = new (nodeBuiltin('node:worker_threads').Worker)(new URL(/* webpackIgnore: true */ WORKER_FILE, import.meta.url), { execArgv: [] });
    return {
      post: (m, t) => w.postMessage(m, t), onMessage: (f) => w.on('message', f), onError: (f) => w.on('error', f),
      terminate: () => w.terminate(), busy: (b) => (b ? w.ref() : w.unref()),
    };
  }
  const w = new Worker(new URL('./studio-worker.js', import.meta.url), { type: 'module' });
  return {
    post: (m, t) => w.postMessage(m, t), onMessage: (f) => w.addEventListener('message', (e) => f(e.data)),
    onError: (f) => w.addEventListener('error', (e) => f(new Error(e.message || 'the worker or one of its scripts failed to load (studio-worker.js, or the files beside it)'))),
    terminate: () => w.terminate(), busy: () => {},
  };
}
// How long the threaded build may take from its bytes arriving to ready (compiling and
// starting its workers: under a second on a 2-core machine) before the single-thread one
// takes over.
const START_MS = 20000;
// How long one of its pthread workers may take to be created (new Worker() in the module's
// worker returns in a few ms, even on a busy machine). In Firefox that call now and then
// never returns (a worker's worker waits on the page's main thread); the module's worker is
// then replaced by a new one, threaded again, at most SPAWN_RETRIES times (core.js
// watchWorkers reports each creation).
const SPAWN_MS = 2000, SPAWN_RETRIES = 2;

// In Node the same file, named through a variable so that bundlers leave this one alone.
const WORKER_FILE = './studio-worker.js';

// A model given as a URL, a Blob (a File) or bytes -> bytes. A URL is fetched with
// progress ('download', 0..1, when the server says the size).
async function modelBytes(source, onProgress) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof Blob === 'function' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof source !== 'string' && !(source instanceof URL)) throw new StudioError('argument', 'loadModel takes a URL, a Blob or File, or the bytes of a model');
  const url = new URL(source, globalThis.location?.href);
  if (url.protocol === 'file:') return new Uint8Array(await nodeBuiltin('node:fs/promises').readFile(url));
  let res;
  try { res = await fetch(url); } catch (e) { throw new StudioError('internal', `could not download the model from ${url.href}: ${e.message}`); }
  if (!res.ok) throw new StudioError('internal', `could not download the model from ${url.href} (HTTP ${res.status})`);
  const total = Number(res.headers.get('Content-Length')) || 0;
  if (!res.body || !total) return new Uint8Array(await res.arrayBuffer());
  const out = new Uint8Array(total);
  let n = 0;
  for (const reader = res.body.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.length > total) throw new StudioError('corrupt', `the model from ${url.href} is longer than the ${total} bytes its server announced`);
    out.set(value, n); n += value.length;
    onProgress?.('download', n / total);
  }
  if (n !== total) throw new StudioError('corrupt', `the model download from ${url.href} stopped at ${n} of ${total} bytes`);
  return out;
}

class Studio {
  constructor(choice) {
    this.choice = choice; this.pending = new Map(); this.nextId = 1; this.worker = null; this.ready = null;
  }

  attach() {
    const w = spawn();
    w.onMessage((msg) => this.receive(msg));
    w.onError((e) => this.failAll(new StudioError('internal', `worker error: ${e.message}`)));
    this.worker = w;
    w.busy(true);
  }

  async start() {
    this.attach();
    const info = await this.init();
    this.build = info.build; this.threads = info.threads;
    // a new worker (after cancel()) gets the model the last one had; if it cannot (its bytes
    // were transferred since), the studio goes on without one and says why
    if (this.model) {
      try {
        await this.call('loadModel', [await this.model.bytes(), this.model.pts]);
      } catch (e) {
        this.model = null;
        throw e;
      }
    }
    return this;
  }

  // Start the module in the worker. The threaded build must be up within START_MS of its
  // bytes arriving; if not (seen in Firefox: a pthread worker that never starts), this
  // worker is ended and the single-thread build starts instead, saying why (fallback). A
  // pthread worker whose creation hangs (SPAWN_MS) or fails first costs a new worker, still
  // threaded (restarts counts them), SPAWN_RETRIES times at most.
  async init() {
    if (this.choice.build !== 'mt') return this.call('init', [this.choice]);
    this.restarts = 0;
    for (;;) {
      const got = await this.startThreaded();
      if (got.info) return got.info;
      if (got.error) throw got.error;
      this.worker.terminate();
      this.failAll(new StudioError('internal', 'the threaded engine did not start'));
      if (got.worker && this.restarts < SPAWN_RETRIES) { this.restarts++; this.attach(); continue; }
      this.fallback = got.worker ? `a thread of the threaded engine did not start: ${got.worker}` : `the threaded engine did not start within ${START_MS / 1000} s`;
      break;
    }
    this.choice = { ...this.choice, build: 'st', threads: 1 };
    this.attach();
    return this.call('init', [this.choice]);
  }

  // One try of the threaded build: {info} | {error} | {stalled} (START_MS) | {worker: why}
  // (a pthread worker not created within SPAWN_MS, or failed before it loaded).
  startThreaded() {
    return new Promise((resolve) => {
      let start, spawn;
      const done = (r) => { clearTimeout(start); clearTimeout(spawn); resolve(r); };
      const onProgress = (stage, k, detail) => {
        if (stage === 'starting') start = setTimeout(() => done({ stalled: true }), START_MS);
        else if (stage === 'spawning') spawn = setTimeout(() => done({ worker: `its worker ${k} was not created within ${SPAWN_MS / 1000} s` }), SPAWN_MS);
        else if (stage === 'spawned') clearTimeout(spawn);
        else if (stage === 'failed') done({ worker: `its worker ${k} failed (${detail})` });
      };
      this.call('init', [this.choice], { onProgress }).then((info) => done({ info }), (error) => done({ error }));
    });
  }

  receive({ id, result, error, progress }) {
    const p = this.pending.get(id);
    if (!p) return;
    if (progress) { p.onProgress?.(progress.stage, progress.fraction, progress.detail); return; }
    this.pending.delete(id);
    if (!this.pending.size) this.worker?.busy(false);
    if (error) p.reject(new StudioError(error.code, error.message));
    else p.resolve(result);
  }

  failAll(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  call(op, args, { onProgress, transfer = [] } = {}) {
    if (!this.worker) return Promise.reject(new StudioError('internal', 'this studio was terminated'));
    const id = this.nextId++;
    this.worker.busy(true);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.post({ id, op, args }, transfer);
    });
  }

  /** Header facts of an encoded image: format, displayed size, channels, orientation, ... */
  info(bytes) { return this.call('info', [bytes]); }
  /** Encoded bytes (JPEG/PNG/BMP) -> {width, height, channels, data}, EXIF orientation applied. */
  decode(bytes, { onProgress, digest = false } = {}) { return this.call('decode', [bytes, { digest }], { onProgress }); }
  /** {width, height, channels?, data} or ImageData -> PNG or JPEG bytes. */
  encode(image, { format = 'png', quality = 90, onProgress } = {}) {
    return this.call('encode', [plain(image), { format, quality }], { onProgress });
  }
  resize(image, width, height, { filter = 'bilinear' } = {}) { return this.call('resize', [plain(image), width, height, { filter }]); }
  /** Brighten a dark photo: encoded bytes or an image in, an image out. Options (ranges and
   *  defaults in studio.h): strength, denoise ('auto' | 0..1), localContrast, clipLimit,
   *  tiles, sharpen, exposure, shadows ('auto' | 0..1: local exposure for backlit photos),
   *  highlights (0..1); onProgress(stage, fraction). */
  enhance(input, { onProgress, ...options } = {}) {
    return this.call('enhance', [inputArg(input), options], { onProgress });
  }

  /** Restore a faded colour print (its dyes' unequal loss, the yellowed base, the lifted
   *  blacks, inverted in density): encoded bytes or an image in, an image out, whose `fade`
   *  is the analysis it used (as analyzeFade's). Options (ranges and defaults in studio.h):
   *  strength ('auto' (default): from how sure the analysis is that this is a faded colour
   *  print, 0 for an unfaded photo or a monochrome print; or 0..1, 1 the whole estimated fade
   *  inverted), contrast (0..1, default 1: how much of the lost density range comes back);
   *  onProgress(stage, fraction). A bad value rejects with code 'argument' and the core's
   *  sentence. Grey in, grey out unchanged; alpha kept. */
  restore(input, { onProgress, ...options } = {}) {
    return this.call('restore', [inputArg(input), options], { onProgress });
  }
  /** The fade analysis alone (cheap: a 384-pixel copy): {retention: [r, g, b], stain: [r, g, b],
   *  veil, gain, evidence, colour (0..1; under 0.5 a monochrome print, grey or toned: Colorize
   *  suits it), strength (what restore's 'auto' applies, 0..1)}. */
  analyzeFade(input) {
    return this.call('analyzeFade', [inputArg(input)]);
  }

  /** Repair dust, scratches and cracks: encoded bytes or an image in; the image healed out,
   *  with `mask`, the mask healed (1 channel the photo's size, 255 = healed). Options (ranges
   *  and defaults in studio.h): mask (encoded bytes, a PNG say, or an image the photo's size:
   *  non-zero = damaged; grey, RGB or RGBA: exactly it is healed, nothing detected; another
   *  size, grey+alpha or bytes that are not an image reject with code 'argument' or the
   *  decoder's, and the core's sentence), sensitivity (0..1, 0.5: detection's), grow (0..3,
   *  1: px added around what is detected), radius (2..12, 5: the fill's reach);
   *  onProgress(stage, fraction): 'detect', 'heal'. */
  repair(input, { onProgress, mask, ...options } = {}) {
    return this.call('repair', [inputArg(input), { ...options, ...(mask !== undefined && mask !== null ? { mask: maskArg(mask) } : {}) }], { onProgress });
  }
  /** Only the mask detection would heal: 1 channel the photo's size, 255 = damaged. Options:
   *  sensitivity, grow (as repair's). */
  detectDamage(input, { onProgress, ...options } = {}) {
    return this.call('detectDamage', [inputArg(input), options], { onProgress });
  }

  /** Load the colorization model: a .caffemodel or our model file, as a URL (fetched, with
   *  progress 'download'), a Blob or File, or bytes (pts: a .npy's bytes overriding the
   *  built-in bin centres, rarely wanted). Checked layer by layer: a broken file is refused
   *  with the reason and the model loaded before stays. The studio keeps what reloads it
   *  after cancel() (whose new worker loads it again) and no copy of its own: the URL
   *  (fetched again), the Blob, or the very bytes given, which the caller must then leave
   *  as they are (not changed, not transferred) until another model replaces them. */
  async loadModel(source, { pts, onProgress } = {}) {
    const bytes = await modelBytes(source, onProgress);
    const result = await this.call('loadModel', [bytes, pts], { onProgress });
    const size = bytes.byteLength;
    const again = typeof source === 'string' || source instanceof URL ? () => modelBytes(source)
      : typeof Blob === 'function' && source instanceof Blob ? async () => new Uint8Array(await source.arrayBuffer())
        : async () => {
          if (bytes.byteLength !== size) throw new StudioError('argument', 'the model\'s bytes given to loadModel were transferred or cut since: load the model again');
          return bytes;
        };
    this.model = { bytes: again, pts };
    return result;
  }
  /** A .caffemodel's bytes -> { bytes: our model file, precision written, int8 } (precision
   *  'f32' | 'f16' | 'int8'; int8 is kept only where the core proves it, else f16: int8 then
   *  holds { checked, refused, p99, max, bound }, |delta ab| against f32 on its check images). */
  convertModel(bytes, { pts, precision = 'f16', onProgress } = {}) { return this.call('convertModel', [bytes, { pts, precision }], { onProgress }); }
  /** Colour a photo: bytes or an image in, an RGB(A) image out. Options: vibrance (0.1..1),
   *  saturation (0..2), size (multiple of 8, <= 512), edgeAware (colour follows the photo's
   *  edges); hints (the hints file's object or JSON text: colour hints, with or without a
   *  model), trust (0..1, 0.5: how firmly the network's confident colours hold against
   *  hints), workMegapixels (0.01..16, 0.15: the hints' solve resolution); onProgress(stage,
   *  fraction). Changing only vibrance, saturation or edgeAware on the same image does not
   *  rerun the network. */
  colorize(input, { onProgress, ...options } = {}) {
    return this.call('colorize', [inputArg(input), options], { onProgress });
  }

  /** {heap}: bytes the worker's WASM memory holds, its peak so far (it never shrinks). */
  memory() { return this.call('memory', []); }

  /** How sure the network was of the last colorize call's colours: { width, height, data }
   *  (Float32Array, 0..1 per cell of the network's output grid), or null. */
  confidence() { return this.call('confidence', []); }

  // ---- photos kept in the worker (the page's session; see session.js) ----
  /** Decode and keep a photo under key: {info, look, fade, suggestion, thumb (ImageBitmap)}. The
   *  bytes move to the worker. JPEG, PNG and BMP are the core's; another format the
   *  browser decodes (WebP, AVIF, GIF, HEIC in some) is read by the browser, under the
   *  core's limits. name and type (the file's) name the format when nothing can read it. */
  open(key, bytes, { thumb, name, type } = {}) {
    return this.call('open', [key, bytes, { thumb, name, type }], { transfer: bytes.buffer ? [bytes.buffer] : [] });
  }
  /** ImageBitmap of the kept photo ('input') or its latest result ('result'). */
  view(key, which = 'input') { return this.call('view', [key, which]); }
  /** Run 'enhance', 'colorize', 'restore' or 'repair' on the kept photo with options; keeps the result. */
  run(key, mode, { onProgress, ...options } = {}) { return this.call('run', [key, mode, options], { onProgress }); }
  // ---- colour hints on a kept photo: the solver's state stays in the worker, so each edit
  // re-solves from the last answer. Every call answers {hints (the list, with ids), model,
  // width, height, workWidth, workHeight, iterations, error, ms, preview (an ImageBitmap at
  // the working size; in Node {width, height, channels, data})}. A hint is a point {x, y, r,
  // rgb: [r, g, b]} (a (2r+1)^2 square) or a stroke {rgb, width, path: [[x, y], ...]}, in
  // pixels of the photo as displayed. run(key, 'colorize') then renders at full size.
  /** Begin (or restart with new options: vibrance, saturation, size, edgeAware, trust 0..1,
   *  workMegapixels 0.01..16) colour hints on a kept photo. */
  hintsOpen(key, options = {}) { return this.call('hintsOpen', [key, options]); }
  /** Add a hint; the answer's id names it for hintMove / hintRemove. */
  hintAdd(key, hint) { return this.call('hintAdd', [key, hint]); }
  /** Move hint id by (dx, dy) pixels. */
  hintMove(key, id, dx, dy) { return this.call('hintMove', [key, id, dx, dy]); }
  hintRemove(key, id) { return this.call('hintRemove', [key, id]); }
  /** Replace every hint: a list as the answers carry it (undo, redo, clear: []) or the
   *  hints file's object (import); checked by the core, nothing changes on a refusal. */
  hintsSet(key, hints) { return this.call('hintsSet', [key, hints]); }
  /** The photo's hints as the hints file's JSON text (export). */
  hintsExport(key) { return this.call('hintsExport', [key]); }
  /** The network's likeliest colours at (x, y): [{rgb: [r, g, b], p}] (none without a model). */
  suggestColours(key, x, y) { return this.call('suggestColours', [key, x, y]); }
  /** A hints file (object or JSON text) checked by the core: the same hints back, normalised.
   *  size ({width, height}): also refused when made for a photo of another size. */
  readHints(hints, size) { return this.call('readHints', [hints, size]); }

  // ---- Repair on a kept photo: its mask stays in the worker, with the brush's edits. Every
  // call answers {width, height, damaged (pixels), edits, overlay: {x, y, width, height,
  // whole, image} (the mask's changed part as a translucent overlay) | null, healed: {x, y,
  // width, height, image} (once healed: the part of the result healed again) | null, ms};
  // images are ImageBitmaps in browsers, pixels in Node. run(key, 'repair', {radius}) heals
  // exactly the mask (detecting one first if there is none).
  /** Detect the damage (sensitivity, grow) as the mask, the edits kept over it. */
  repairBegin(key, options = {}) { return this.call('repairBegin', [key, options]); }
  /** Replace the brush's edits: [{id, kind: 'add' | 'erase', width, path: [[x, y], ...]}]. */
  repairEdit(key, edits) { return this.call('repairEdit', [key, edits]); }
  /** A mask file (bytes or an image) as the mask, the edits dropped; refused with the core's
   *  reason when not an image, not the photo's size, or grey+alpha. */
  repairLoad(key, mask) { return this.call('repairLoad', [key, maskArg(mask)]); }
  /** The whole overlay of the mask as it is now. */
  repairView(key) { return this.call('repairView', [key]); }
  /** The mask as a greyscale PNG the photo's size (255 damaged). */
  repairSaveMask(key) { return this.call('repairSaveMask', [key]); }

  /** The kept result encoded ('png' | 'jpeg', quality 1..100). */
  export(key, { format = 'png', quality = 90 } = {}) { return this.call('export', [key, { format, quality }]); }
  close(key) { return this.call('close', [key]); }
  /** Encoded bytes -> PNG or JPEG bytes, decoded and re-encoded in the worker. */
  transcode(bytes, { format = 'png', quality = 90 } = {}) { return this.call('transcode', [bytes, { format, quality }]); }
  /** [{name, bytes}] -> a ZIP archive's bytes. */
  zip(entries) { return this.call('zip', [entries]); }

  /** Stop whatever runs now; pending calls reject with code 'cancelled'. The studio stays usable. */
  async cancel() {
    this.worker?.terminate();
    this.worker = null;
    this.failAll(new StudioError('cancelled', 'cancelled'));
    await this.start();
  }

  terminate() {
    this.failAll(new StudioError('cancelled', 'the studio was terminated'));
    const w = this.worker;
    this.worker = null;
    return w?.terminate();
  }
}

// ImageData cannot cross into a Node worker and has no channel count: pass its fields.
function plain(image) {
  return { width: image.width, height: image.height, channels: image.channels ?? 4, data: image.data };
}
// An operation's input: encoded bytes as they are, an image as plain fields.
const inputArg = (input) => (ArrayBuffer.isView(input) || input instanceof ArrayBuffer ? input : plain(input));
// A mask: bytes, or an image whose channels, when not given, are as many as its bytes hold.
const maskArg = (mask) => (ArrayBuffer.isView(mask) || mask instanceof ArrayBuffer ? mask
  : { width: mask.width, height: mask.height, channels: mask.channels, data: mask.data });

/** Start a studio. Options: threads ('auto' or a number), build ('auto' | 'st' | 'mt'),
 *  assetsUrl (where gen/'s build files are served when not beside this module: a CDN, or
 *  a folder a bundler did not fill; a URL ending in '/'). Nothing is fetched before this. */
export async function createStudio({ threads = 'auto', build = 'auto', assetsUrl } = {}) {
  if (!hasSimd()) throw new StudioError('unsupported', 'this browser lacks WebAssembly SIMD, which Enhancement Studio needs');
  let choice = pickBuild({ threads });
  if (build === 'st') choice = { build: 'st', threads: 1 };
  else if (build === 'mt') choice = { build: 'mt', threads: Math.max(2, choice.threads) };
  if (assetsUrl) { // absolute, and a folder: new URL('studio-st.wasm', it) must land inside
    const url = new URL(assetsUrl, globalThis.location?.href);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    choice.assetsUrl = url.href;
  }
  return new Studio(choice).start();
}
