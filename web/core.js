// core.js - loads one WASM build of the C core and wraps its exports as plain JS calls.
// It runs wherever the module lives: inside the worker (browser and Node) or, for tools
// and tests that want no worker, directly. Pixels cross the boundary as copies.
import { buildFile } from './builds.js';
import { STATUS, StudioError, isNode, nodeBuiltin } from './shared.js';

export { STATUS, StudioError };

export const FORMATS = ['unknown', 'jpeg', 'png', 'bmp'];
const FORMAT_CODES = { png: 2, jpeg: 1, jpg: 1 };
// The module addresses up to 4 GB, and its exports return addresses as signed 32-bit
// numbers: one above 2 GB arrives negative. Every address JS indexes the heap with goes
// through this (the glue's own helpers do the same).
const addr = (p) => p >>> 0;

async function readBytes(url) {
  if (url.protocol === 'file:') return nodeBuiltin('node:fs/promises').readFile(url);
  // The glue's own fetch of the .wasm fails under Node 20; in browsers we fetch it here too,
  // so the service worker's cache serves it and one code path loads both builds.
  const res = await fetch(url);
  if (!res.ok) throw new StudioError('internal', `could not load ${url.pathname} (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

// studio_fade_report as es_wasm_restore* write it: 11 floats.
const FADE_FIELDS = 11;
function fadeReport(M, p) {
  const v = [...new Float32Array(M.HEAPU8.buffer, p, FADE_FIELDS)];
  return { retention: v.slice(0, 3), stain: v.slice(3, 6), veil: v[6], gain: v[7], evidence: v[8], colour: v[9], strength: v[10] };
}

const noColour = () => new StudioError('argument', 'Colorize needs colour hints or the colorization model: add hints, or load the model');

// The C entry points' colour and hint options, in their order (-1 / 0: the core's default).
const CONV = { auto: 0, direct: 1, winograd: 2 };
function colourArgs({ vibrance = 1 / 2.606, saturation = 1, size = 224, edgeAware = false, conv = 'auto', trust = -1, workMegapixels = 0, tolerance = 0 } = {}) {
  if (!(conv in CONV)) throw new StudioError('argument', `conv must be auto, direct or winograd, not ${conv}`);
  return [vibrance, saturation, size, edgeAware ? 1 : 0, CONV[conv], trust, workMegapixels, tolerance];
}

/** Load build 'st' (single thread) or 'mt' (pthreads) and create a context with `threads`
 *  threads: the threaded module starts threads - 1 workers (the calling thread is the
 *  other), so it starts what it uses. assetsUrl: where the build's files are served, when
 *  not beside this module (builds.js); onFetched() once the .wasm bytes are in; onWorker(event,
 *  k, detail): each pthread worker's start, in browsers (watchWorkers). */
export async function loadCore({ build = 'st', threads = 1, assetsUrl, onFetched, onWorker } = {}) {
  const url = (name) => buildFile(name, assetsUrl);
  const glue = url(`studio-${build}.mjs`);
  const wasmBinary = await readBytes(url(`studio-${build}.wasm`));
  onFetched?.();
  if (isNode && typeof globalThis.require === 'undefined') {
    // Emscripten 3.1.6's ES6 glue still reaches for CommonJS names when it sees Node.
    globalThis.require = nodeBuiltin('node:module').createRequire(glue);
    globalThis.__dirname = nodeBuiltin('node:path').dirname(nodeBuiltin('node:url').fileURLToPath(glue));
  }
  // a URL known only at run time: bundlers must leave this import to the browser
  const { default: createStudioCore } = await import(/* webpackIgnore: true */ /* @vite-ignore */ glue.href);
  let onProgress = null;
  threads = Math.max(1, threads | 0);
  // The glue starts its pool workers inside this call, synchronously (PThread.init): watch them.
  const unwatch = build === 'mt' && !isNode ? watchWorkers(onWorker) : null;
  let made;
  try {
    made = createStudioCore({
    wasmBinary,
    // the pool the glue starts (-sPTHREAD_POOL_SIZE=Module.esPool): at least one worker, as a
    // pool of 0 (or NaN, undefined) never releases the glue's start and it waits for ever
    esPool: build === 'mt' ? Math.max(1, threads - 1) : 0,
    // browsers: the pthread workers' script and the glue they import, at the same URLs
    ...(isNode ? {} : { locateFile: (name) => url(name).href, mainScriptUrlOrBlob: glue.href }),
    onProgress: (stage, fraction) => (onProgress ? onProgress(stage, fraction) : 0),
    print: (s) => console.log(s),
    printErr: (s) => console.warn(s),
    });
  } finally {
    unwatch?.();
  }
  const M = await made;
  const ctx = M._es_wasm_create(threads);
  if (!ctx) throw new StudioError('nomem', 'could not create the core context');
  return new Core(M, ctx, build, (f) => { onProgress = f; });
}

// Each web worker the glue creates, while it does (see loadCore), reported to
// onWorker(event, k, detail): 'spawning' before new Worker(), 'spawned' once it returned,
// 'failed' (detail: why) if the worker fails before it loaded the module. In Firefox a worker
// created inside a worker waits on the page's main thread; now and then (a busy machine, a
// test driver polling the page) that call never returns, and the glue with it: the page sees
// 'spawning' alone and starts a new worker (studio.js). The glue attaches its own onerror only
// once the module is compiled, so a pool worker failing before would fail unseen.
function watchWorkers(onWorker = () => {}) {
  const Native = globalThis.Worker;
  if (typeof Native !== 'function') return null;
  let n = 0;
  globalThis.Worker = function Worker(url, options) {
    const k = ++n;
    onWorker('spawning', k);
    const w = new Native(url, options);
    const failed = (e) => {
      w.onerror = null; // the glue's, if it came first, would throw the event at the module's worker
      onWorker('failed', k, e.message || `its script ${new URL(url, location.href).pathname.split('/').pop()} did not load`);
      done();
    };
    const loaded = (e) => { if (e.data?.cmd === 'loaded') done(); };
    const done = () => { w.removeEventListener('error', failed); w.removeEventListener('message', loaded); };
    w.addEventListener('error', failed);
    w.addEventListener('message', loaded);
    onWorker('spawned', k);
    return w;
  };
  globalThis.Worker.prototype = Native.prototype;
  return () => { globalThis.Worker = Native; };
}

class Core {
  constructor(M, ctx, build, setProgress) {
    this.M = M; this.ctx = ctx; this.build = build; this.setProgress = setProgress;
    this.threads = M._es_wasm_threads(ctx);
    this.sessions = new Set();
  }

  fail() {
    const M = this.M;
    throw new StudioError(STATUS[M._es_wasm_status(this.ctx)] || 'internal', M.UTF8ToString(M._es_wasm_error(this.ctx)));
  }

  // Copy bytes into the module heap for the duration of fn(ptr, len).
  withBytes(bytes, fn) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const p = addr(this.M._malloc(Math.max(u8.length, 1)));
    if (!p) throw new StudioError('nomem', `out of memory for a ${u8.length}-byte file`);
    try {
      this.M.HEAPU8.set(u8, p);
      return fn(p, u8.length);
    } finally {
      this.M._free(p);
    }
  }

  probe(bytes) {
    const M = this.M;
    const out = addr(M._malloc(9 * 4)), desc = addr(M._malloc(256));
    try {
      const s = this.withBytes(bytes, (p, n) => M._es_wasm_probe(this.ctx, p, n, out, desc, 256));
      if (s) this.fail();
      const v = new Int32Array(M.HEAPU8.buffer, out, 9);
      return {
        format: FORMATS[v[0]], width: v[1], height: v[2], storedWidth: v[3], storedHeight: v[4],
        channels: v[5], bitDepth: v[6], orientation: v[7], progressive: !!v[8], description: M.UTF8ToString(desc),
      };
    } finally {
      M._free(out); M._free(desc);
    }
  }

  /** Throw the core's own refusal if a width x height image is over its limits (64 MP, 32768
   *  a side by default): for sizes read from headers the core does not parse itself. */
  checkSize(width, height) {
    if (this.M._es_wasm_check_size(this.ctx, width, height)) this.fail();
  }

  /** Bytes of memory the module holds: it grows as work needs and never shrinks, so this is
   *  also the peak so far. */
  heapBytes() { return this.M.HEAPU8.byteLength; }

  /** Test-only: take all of the module's memory that it can still grow to, but about
   *  `spare` bytes, so the next large allocation fails for real (see studio-worker.js's
   *  testStarveNext). Returns release(), which gives it back. */
  fillHeap(spare = 1 << 20) {
    const M = this.M, taken = [];
    for (const chunk of [256 << 20, 16 << 20, 1 << 20]) {
      for (let p; (p = M._malloc(chunk));) taken.push(p);
    }
    for (let left = spare; left > 0 && taken.length; left -= 1 << 20) M._free(taken.pop());
    return () => { for (const p of taken) M._free(p); taken.length = 0; };
  }

  // A studio_image handle -> a plain {width, height, channels, data} copy; frees the handle.
  take(img, { digest = false } = {}) {
    const M = this.M;
    try {
      const width = M._es_wasm_image_width(img), height = M._es_wasm_image_height(img), channels = M._es_wasm_image_channels(img);
      const at = addr(M._es_wasm_image_pixels(img));
      const out = { width, height, channels, data: M.HEAPU8.slice(at, at + width * height * channels) };
      if (digest) {
        const hex = M._malloc(17);
        M._es_wasm_image_digest(img, hex);
        out.digest = M.UTF8ToString(hex);
        M._free(hex);
      }
      return out;
    } finally {
      M._es_wasm_image_free(img);
    }
  }

  // fn(lenPtr) returns a malloc'd buffer and stores its length: copy it out and free it.
  takeBuffer(fn) {
    const M = this.M, lenp = addr(M._malloc(4));
    try {
      const p = addr(fn(lenp));
      if (!p) this.fail();
      const out = M.HEAPU8.slice(p, p + new Uint32Array(M.HEAPU8.buffer, lenp, 1)[0]);
      M._free(p);
      return out;
    } finally {
      M._free(lenp);
    }
  }

  // Encoded bytes (decoded here) or {width, height, channels?, data}: a studio_image handle.
  image(input) {
    const img = ArrayBuffer.isView(input) || input instanceof ArrayBuffer
      ? this.withBytes(input, (p, n) => this.M._es_wasm_decode(this.ctx, p, n))
      : this.put(input);
    if (!img) this.fail();
    return img;
  }

  // {width, height, channels?, data} (ImageData works: 4 channels) -> a studio_image handle.
  put(image) {
    const { width, height, data } = image;
    const channels = image.channels ?? 4;
    if (!data || data.length !== width * height * channels)
      throw new StudioError('argument', `image data has ${data?.length} bytes, expected ${width}x${height}x${channels}`);
    const img = this.M._es_wasm_image_new(this.ctx, width, height, channels);
    if (!img) this.fail();
    this.M.HEAPU8.set(data, addr(this.M._es_wasm_image_pixels(img)));
    return img;
  }

  decode(bytes, { digest = false } = {}) {
    return this.take(this.image(bytes), { digest });
  }

  encode(image, { format = 'png', quality = 90 } = {}) {
    const code = FORMAT_CODES[format];
    if (!code) throw new StudioError('argument', `can only encode png or jpeg, not '${format}'`);
    const img = this.put(image);
    try {
      return this.takeBuffer((lenp) => this.M._es_wasm_encode(this.ctx, img, code, quality, lenp));
    } finally {
      this.M._es_wasm_image_free(img);
    }
  }

  // Copy a JS string into the heap (NUL-terminated) for the duration of fn(ptr).
  withString(str, fn) {
    const n = this.M.lengthBytesUTF8(str) + 1, p = addr(this.M._malloc(n));
    try {
      this.M.stringToUTF8(str, p, n);
      return fn(p);
    } finally {
      this.M._free(p);
    }
  }

  /** Low-light enhancement. input: encoded bytes or {width, height, channels?, data};
   *  options: {strength, denoise ('auto' or 0..1), localContrast, clipLimit, tiles, sharpen,
   *  exposure, shadows ('auto' or 0..1), highlights (0..1)}; names and ranges are the core's
   *  (studio.h), and so are the messages. */
  enhance(input, options = {}) {
    const M = this.M, img = this.image(input), opts = this.options('enhance', options);
    try {
      const out = M._es_wasm_enhance(this.ctx, img, opts);
      if (!out) this.fail();
      return this.take(out);
    } finally {
      M._free(opts);
      M._es_wasm_image_free(img);
    }
  }

  // A job's options struct in the heap (free it with _free), each option set by the core by
  // name ('localContrast' -> 'local-contrast'), so the refusals are the core's sentences.
  options(job, options) {
    const M = this.M, opts = M[`_es_wasm_${job}_options`](), set = M[`_es_wasm_${job}_set`];
    if (!opts) throw new StudioError('nomem', `out of memory for the ${job} options`);
    try {
      for (const [key, value] of Object.entries(options)) {
        if (value === undefined) continue;
        const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        if (this.withString(name, (np) => this.withString(String(value), (vp) => set(this.ctx, opts, np, vp)))) this.fail();
      }
      return opts;
    } catch (e) {
      M._free(opts);
      throw e;
    }
  }

  /** What the fade analysis of a photo found (the core's studio_fade_report): {retention:
   *  [r, g, b] (each dye's density range against green's: < 1 faded more), stain: [r, g, b]
   *  (density added to the whites against green's), veil (0..1), gain (>= 1), evidence (0 for
   *  an unfaded photo, > 2.8 a fade), colour (0..1: 0 a monochrome print, grey or toned),
   *  strength (what auto applies, 0..1)}. Cheap: the core reads a 384-pixel copy. */
  analyzeFade(input) {
    const M = this.M, img = this.image(input), rp = addr(M._malloc(FADE_FIELDS * 4));
    try {
      if (M._es_wasm_restore_analyze(this.ctx, img, rp)) this.fail();
      return fadeReport(M, rp);
    } finally {
      M._free(rp);
      M._es_wasm_image_free(img);
    }
  }

  /** Restore a faded colour print. options: strength ('auto' (default) or 0..1), contrast
   *  (0..1, 1); names, ranges and messages are the core's. The image out carries `fade`: the
   *  analysis used (analyzeFade's fields; with strength 'auto', fade.strength is what ran). */
  restore(input, options = {}) {
    const M = this.M, img = this.image(input), rp = addr(M._malloc(FADE_FIELDS * 4));
    let opts = 0;
    try {
      opts = this.options('restore', options);
      const out = M._es_wasm_restore(this.ctx, img, opts, rp);
      if (!out) this.fail();
      return { ...this.take(out), fade: fadeReport(M, rp) };
    } finally {
      M._free(opts);
      M._free(rp);
      M._es_wasm_image_free(img);
    }
  }

  // A mask as the caller gave it (encoded bytes: a PNG, say; or {width, height, channels?,
  // data}) -> a studio_image handle. Bytes that are not an image are refused here, with the
  // decoder's reason; its size and channels are the core's to refuse (repairCheck, heal).
  mask(mask) {
    if (!ArrayBuffer.isView(mask) && !(mask instanceof ArrayBuffer)) { // its channels: as given, else as many as its bytes hold
      return this.put({ ...mask, channels: mask.channels ?? Math.round((mask.data?.length ?? 0) / Math.max(1, mask.width * mask.height)) });
    }
    const img = this.withBytes(mask, (p, n) => this.M._es_wasm_decode(this.ctx, p, n));
    if (img) return img;
    const M = this.M, code = STATUS[M._es_wasm_status(this.ctx)] || 'internal';
    throw new StudioError(code, `repair: the mask is not an image we read: ${M.UTF8ToString(M._es_wasm_error(this.ctx))}`);
  }

  // A repair call with its input, options (and mask) in the heap for fn(img, opts, mask).
  withRepair(input, options, mask, fn) {
    const M = this.M, img = this.image(input);
    let opts = 0, m = 0;
    try {
      opts = this.options('repair', options);
      if (mask !== undefined && mask !== null) m = this.mask(mask);
      return fn(img, opts, m);
    } finally {
      if (m) M._es_wasm_image_free(m);
      M._free(opts);
      M._es_wasm_image_free(img);
    }
  }

  /** Likely dust, scratches and cracks: a mask, 1 channel the photo's size, 255 = damaged.
   *  options: sensitivity (0..1, 0.5), grow (0..3, 1); names, ranges and messages the core's. */
  repairDetect(input, options = {}) {
    return this.withRepair(input, options, null, (img, opts) => {
      const out = this.M._es_wasm_repair_detect(this.ctx, img, opts);
      if (!out) this.fail();
      return this.take(out);
    });
  }

  /** Heal exactly the pixels mask marks (encoded bytes or an image the photo's size, non-zero
   *  = damaged; grey, RGB or RGBA). options: radius (2..12, 5). Pixels outside the mask come
   *  back as they were. */
  repairHeal(input, mask, options = {}) {
    return this.withRepair(input, options, mask, (img, opts, m) => {
      const out = this.M._es_wasm_repair_heal(this.ctx, img, m, opts);
      if (!out) this.fail();
      return this.take(out);
    });
  }

  /** Detect (no mask given) and heal, or heal exactly options.mask: the image, with `mask`,
   *  the mask healed (1 channel, 255 = healed). */
  repair(input, { mask, ...options } = {}) {
    const M = this.M;
    return this.withRepair(input, options, mask, (img, opts, m) => {
      const usedp = addr(M._malloc(4));
      try {
        const out = M._es_wasm_repair(this.ctx, img, opts, m, usedp);
        if (!out) this.fail();
        const used = M.HEAPU32[usedp / 4];
        return { ...this.take(out), mask: this.take(used) };
      } finally {
        M._free(usedp);
      }
    });
  }

  /** The heal's tiles: {tile, margin, wide} px; a tile's healed pixels depend only on the photo
   *  and the mask within margin of it, unless the mask holds a wide x wide square (a wide
   *  hole: its sources reach further) (studio_repair_reach). */
  repairReach() { const r = (k) => this.M._es_wasm_repair_reach(k); return { tile: r(0), margin: r(1), wide: r(2) }; }

  /** The mask (as repairHeal takes it) as an image, or the core's refusal of it for a photo
   *  of size {width, height}: another size, grey+alpha; bytes that are not an image. Heals
   *  nothing. */
  repairCheck(size, mask) {
    const M = this.M;
    let m = this.mask(mask);
    try {
      if (M._es_wasm_repair_check(this.ctx, size.width, size.height, m)) this.fail();
      const out = this.take(m);
      m = 0;
      return out;
    } finally {
      if (m) M._es_wasm_image_free(m);
    }
  }

  /** Load the colorization model from a .caffemodel's bytes (checked layer by layer);
   *  pts: a .npy's bytes overriding the built-in bin centres (rarely wanted). */
  loadModel(bytes, pts) {
    const M = this.M;
    this.endHintSessions();
    if (this.model) { M._es_wasm_model_free(this.model); this.model = 0; }
    // the module takes the copy over: a converted file's weights are used where they lie
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const p = addr(M._malloc(Math.max(u8.length, 1)));
    if (!p) throw new StudioError('nomem', `out of memory for a ${u8.length}-byte model`);
    M.HEAPU8.set(u8, p);
    let handed = false;
    const load = (q, k) => { handed = true; return M._es_wasm_model_load(this.ctx, p, u8.length, q, k); };
    let m;
    try { m = pts ? this.withBytes(pts, load) : load(0, 0); } finally { if (!handed) M._free(p); }
    if (!m) this.fail();
    this.model = m;
    return true;
  }

  /** A .caffemodel's bytes -> { bytes: our model file, precision: what was written, int8 }
   *  (checked; precision f32, f16 or int8). int8 is kept only where the core proved it on its
   *  check images: int8 = { checked: true, refused, p99, max, bound } (|delta ab| against f32;
   *  refused: written as f16 instead); null when int8 was not asked for. */
  convertModel(bytes, { pts, precision = 'f16' } = {}) {
    const M = this.M, rp = addr(M._malloc(24));
    try {
      const out = this.takeBuffer((lenp) => this.withBytes(bytes, (d, n) => this.withString(precision, (sp) => (pts
        ? this.withBytes(pts, (q, k) => M._es_wasm_model_convert(this.ctx, d, n, q, k, sp, lenp, rp))
        : M._es_wasm_model_convert(this.ctx, d, n, 0, 0, sp, lenp, rp)))));
      const [p, checked, refused, p99, max, bound] = new Float32Array(M.HEAPU8.buffer, rp, 6);
      return { bytes: out, precision: ['f32', 'f16', 'int8'][p], int8: checked ? { checked: true, refused: !!refused, p99, max, bound } : null };
    } finally {
      M._free(rp);
    }
  }

  /** Colour a photo from its lightness. options: vibrance (0.1..1, default 1/2.606),
   *  saturation (0..2, 1), size (network input, a multiple of 8 up to 512, 224), edgeAware
   *  (false: bilinear as OpenCV; true: colour enlarged guided by the photo's lightness); conv
   *  ('auto', 'direct' or 'winograd': how the network's 3x3 convolutions run, same colours);
   *  hints (the hints file's object or JSON text: colour from hints, with or without a
   *  model), trust (0..1, 0.5), workMegapixels (0.01..16, 0.15). */
  colorize(input, { hints, ...options } = {}) {
    const M = this.M;
    if (!this.model && hints === undefined) throw noColour();
    const img = this.image(input);
    try {
      const args = colourArgs(options);
      const out = hints === undefined
        ? M._es_wasm_colorize(this.ctx, this.model, img, ...args.slice(0, 5))
        : this.withHints(hints, (h) => M._es_wasm_colorize_hints(this.ctx, this.model || 0, img, ...args.slice(0, 5), h, ...args.slice(5)));
      if (!out) this.fail();
      return this.take(out);
    } finally {
      M._es_wasm_image_free(img);
    }
  }

  // The hints file's object or text -> a checked studio_hints handle for fn(handle); with
  // size = {width, height}, also checked against a photo of that size.
  withHints(hints, fn, size = { width: 0, height: 0 }) {
    const M = this.M, json = typeof hints === 'string' ? hints : JSON.stringify(hints);
    const h = this.withString(json, (p) => M._es_wasm_hints_parse(this.ctx, p, M.lengthBytesUTF8(json), size.width, size.height));
    if (!h) this.fail();
    try {
      return fn(h);
    } finally {
      M._es_wasm_hints_free(h);
    }
  }

  /** A hints file (object or text) read and checked by the core: the same hints back as the
   *  core writes them ({width, height, points, strokes}), or a StudioError naming the fault.
   *  size ({width, height}): refuse hints made for a photo of another size. */
  readHints(hints, size) {
    const M = this.M;
    return this.withHints(hints, (h) => JSON.parse(new TextDecoder().decode(this.takeBuffer((lenp) => M._es_wasm_hints_write(this.ctx, h, lenp)))), size);
  }

  /** An interactive hints session on image ({width, height, channels, data}); options as
   *  colorize's. The model loaded now (if any) is its prior; loading another ends it. */
  hintSession(image, options = {}) { return new HintSession(this, image, options); }

  /** The network's most likely colours at (x, y) of the last image it coloured:
   *  [{rgb: [r, g, b], p}], likeliest first; [] without a model or before any run. */
  suggest(x, y, max = 5) {
    const M = this.M;
    if (!this.model) return [];
    const rgb = addr(M._malloc(3 * max)), prob = addr(M._malloc(4 * max));
    try {
      const n = M._es_wasm_colorize_suggest(this.model, x, y, max, rgb, prob);
      return Array.from({ length: n }, (_, i) => ({
        rgb: [...M.HEAPU8.subarray(rgb + 3 * i, rgb + 3 * i + 3)], p: M.HEAPF32[prob / 4 + i],
      }));
    } finally {
      M._free(rgb); M._free(prob);
    }
  }

  /** The last colorize call's confidence: { width, height, data: Float32Array } in 0..1
   *  (1 = the network was sure of the colour) on its output grid, or null before any. */
  confidence() {
    const M = this.M;
    if (!this.model) return null;
    const side = addr(M._malloc(4));
    try {
      const p = addr(M._es_wasm_colorize_confidence(this.model, side));
      const n = M.HEAP32[side / 4];
      return p ? { width: n, height: n, data: new Float32Array(M.HEAPF32.subarray(p / 4, p / 4 + n * n)) } : null;
    } finally {
      M._free(side);
    }
  }

  resize(image, width, height, { filter = 'bilinear' } = {}) {
    const img = this.put(image);
    try {
      const out = this.M._es_wasm_resize(this.ctx, img, width, height, filter === 'area' ? 1 : 0);
      if (!out) this.fail();
      return this.take(out);
    } finally {
      this.M._es_wasm_image_free(img);
    }
  }

  // Sessions point at the model: they end before it changes (their owners begin anew).
  endHintSessions() {
    for (const session of [...this.sessions]) session.end();
  }

  dispose() {
    this.endHintSessions();
    if (this.model) this.M._es_wasm_model_free(this.model);
    this.model = 0;
    this.M._es_wasm_destroy(this.ctx);
    this.ctx = 0;
    // Threaded builds keep their web workers (Node: worker threads) alive until told.
    this.M.PThread?.terminateAllThreads();
  }
}

// One photo's colour hints in the core: the solver's state lives here between calls, so a
// changed hint re-solves from the last answer. The photo is copied into the module once.
class HintSession {
  constructor(core, image, options) {
    const M = core.M;
    this.core = core;
    this.width = image.width; this.height = image.height;
    this.img = core.put(image);
    this.ptr = M._es_wasm_hints_begin(core.ctx, core.model || 0, this.img, ...colourArgs(options));
    if (!this.ptr) { M._es_wasm_image_free(this.img); this.img = 0; core.fail(); }
    this.model = !!core.model;
    core.sessions.add(this);
  }

  get alive() { return !!this.ptr; }

  /** Replace the hints (the hints file's object or text) and solve; the solver's figures. */
  update(hints) {
    const { core } = this;
    if (core.withHints(hints, (h) => core.M._es_wasm_hints_update(core.ctx, this.ptr, h))) core.fail();
    return this.stats();
  }

  /** { workWidth, workHeight, iterations, error } of the last solve. */
  stats() {
    const M = this.core.M, p = addr(M._malloc(16));
    try {
      M._es_wasm_hints_stats(this.ptr, p);
      const [workWidth, workHeight, iterations, error] = M.HEAPF32.subarray(p / 4, p / 4 + 4);
      return { workWidth, workHeight, iterations, error };
    } finally {
      M._free(p);
    }
  }

  /** The result at the working size, and at the photo's full size. */
  preview() { return this.image(this.core.M._es_wasm_hints_preview); }
  render() { return this.image(this.core.M._es_wasm_hints_render); }

  image(fn) {
    const out = fn(this.core.ctx, this.ptr);
    if (!out) this.core.fail();
    return this.core.take(out);
  }

  end() {
    const M = this.core.M;
    if (this.ptr) M._es_wasm_hints_end(this.ptr);
    if (this.img) M._es_wasm_image_free(this.img);
    this.ptr = 0; this.img = 0;
    this.core.sessions.delete(this);
  }
}
