// session.js - the worker's side of the studio page: photos opened once and kept here, by
// key, with their latest result, so the UI thread holds only bitmaps to draw and files to
// download, and an option change reruns from the decoded pixels (colorize from the model's
// cached distribution) instead of shipping 36 MB per 12 MP image across threads.
import { zip } from './zip.js';
import { StudioError } from './core.js';
import { sniff, formatFromName, NAMES, MIME } from './formats.js';

// How a photo looks, from every 16th pixel: mean lightness 0..1 and mean chroma.
function looks({ width, height, channels, data }) {
  let sum = 0, chroma = 0, n = 0;
  const step = Math.max(1, Math.floor((width * height) / 250000));
  for (let p = 0; p < width * height; p += step, n++) {
    const i = p * channels;
    const r = data[i], g = channels >= 3 ? data[i + 1] : r, b = channels >= 3 ? data[i + 2] : r;
    sum += 0.2126 * r + 0.7152 * g + 0.0722 * b;
    chroma += Math.max(r, g, b) - Math.min(r, g, b);
  }
  return { lightness: sum / n / 255, chroma: chroma / n };
}

// Grey photos want colour; dark ones want light; faded colour prints want their colour back.
// Grey: chroma (max - min channel) under 2 levels, or under 3% of the mean level, so a dark
// colour photo, whose chroma is small in levels, still counts as colour. Dark: mean lightness
// under 0.25, where most DICM and all LIME photos sit and no Kodak photo (the darkest,
// kodim18, is at 0.28); dark comes first, as the fade analysis reads a dark photo's blacks as
// a veil. fade (the core's analysis, studio_restore_analyze): a monochrome print (colour under
// 0.5: sepia or another toning) wants Colorize, not a restorer; a fade auto would correct by
// 0.3 or more wants Restore colour. (Auto's top is 1 - 0.2 ln(gain) - 0.75 x the scene's
// colour, 0.4 or more for a plausible print, so 0.3 means the evidence is well in: of the
// eval's synthetic fades 94 % are suggested, as at 0.25, of its 92 unfaded originals 1, of the
// retouch set's 4 none, where 0.25 took a green marsh at 0.28. 0.5, before auto's top fell with
// gain and colour, would now miss 3 more of the 68 held-out fades.)
export function suggest(look, channels, fade = null) {
  const relative = look.chroma / Math.max(1, look.lightness * 255);
  if (channels <= 2 || look.chroma < 2 || relative < 0.03) return 'colorize';
  if (look.lightness < 0.25) return 'enhance';
  if (fade && fade.colour < 0.5) return 'colorize';
  if (fade && fade.strength >= 0.3) return 'restore';
  return null;
}

// Canvas pixels are RGBA; the core gives 1 to 4 channels.
function rgba({ width, height, channels, data }) {
  if (channels === 4) return new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, o = 0; o < out.length; i += channels, o += 4) {
    const grey = channels <= 2;
    out[o] = data[i];
    out[o + 1] = grey ? data[i] : data[i + 1];
    out[o + 2] = grey ? data[i] : data[i + 2];
    out[o + 3] = channels === 2 ? data[i + 1] : 255;
  }
  return out;
}

function bitmap(image) {
  if (typeof createImageBitmap !== 'function') return null; // Node: no bitmaps, the tests read pixels
  return createImageBitmap(new ImageData(rgba(image), image.width, image.height));
}

// A file as the core reads it (JPEG, PNG, BMP) or, when the core says it is another format,
// as the browser's own decoder does: {info, input}. file: {name, type}, to name the format
// when neither can read it.
async function read(core, bytes, file = {}) {
  try {
    const info = core.probe(bytes);
    return { info, input: core.decode(bytes) };
  } catch (e) {
    if (e.code !== 'format' || !bytes.byteLength) throw e;
    return browserDecode(core, bytes, file);
  }
}

// WebP, AVIF, GIF (the first frame), HEIC where the browser has a decoder. The core's size
// limits come first: from the header when it gives the size (formats.js), else from the
// decoded bitmap before a pixel is copied out of it.
async function browserDecode(core, bytes, { name, type }) {
  const head = sniff(bytes), format = head?.format || formatFromName(name, type);
  if (head?.width !== undefined) core.checkSize(head.width, head.height);
  let bmp = null;
  if (typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function') {
    bmp = await createImageBitmap(new Blob([bytes]), { imageOrientation: 'from-image', premultiplyAlpha: 'none' }).catch(() => null);
  }
  if (!bmp) throw await undecodable(format);
  const { width, height } = bmp;
  let rgba;
  try {
    core.checkSize(width, height);
    const g = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!g) throw new StudioError('too-large', `this browser cannot hold a ${width}x${height} image in a canvas`); // its own side limit
    g.drawImage(bmp, 0, 0);
    rgba = g.getImageData(0, 0, width, height).data;
  } finally {
    bmp.close();
  }
  const input = { width, height, ...pack(rgba) };
  const model = ['grey', 'grey+alpha', 'RGB', 'RGBA'][input.channels - 1];
  const description = `${NAMES[format] ?? 'Image'} ${width}x${height}, ${input.channels} channel${input.channels > 1 ? 's' : ''}, 8-bit ${model}` +
    `, decoded by the browser${format === 'gif' ? ' (first frame)' : ''}`;
  const info = { format: format ?? 'image', width, height, storedWidth: width, storedHeight: height, channels: input.channels,
    bitDepth: 8, orientation: 1, progressive: false, description };
  return { info, input };
}

// Canvas pixels are RGBA: keep only the channels the photo has (an opaque photo as RGB, a
// grey one as grey), as the core's decoder does for its formats.
function pack(rgba) {
  let opaque = true, grey = true;
  for (let i = 0; i < rgba.length && (opaque || grey); i += 4) {
    if (rgba[i + 3] !== 255) opaque = false;
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) grey = false;
  }
  const channels = (grey ? 1 : 3) + (opaque ? 0 : 1);
  if (channels === 4) return { channels, data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length) };
  const data = new Uint8Array((rgba.length / 4) * channels);
  for (let i = 0, o = 0; i < rgba.length; i += 4) {
    data[o++] = rgba[i];
    if (!grey) { data[o++] = rgba[i + 1]; data[o++] = rgba[i + 2]; }
    if (!opaque) data[o++] = rgba[i + 3];
  }
  return { channels, data };
}

// Why neither decoder could read the file, naming its format (by content, else by its name).
async function undecodable(format) {
  if (!format) return new StudioError('format', 'not a JPEG, PNG or BMP file, nor an image this browser can decode');
  const supported = typeof ImageDecoder === 'function' && MIME[format]
    ? await ImageDecoder.isTypeSupported(MIME[format]).catch(() => false) : false;
  return supported ? new StudioError('corrupt', `damaged ${NAMES[format]} data: the browser could not decode it`)
    : new StudioError('unsupported', `${NAMES[format]} images cannot be read by this browser: save the photo as JPEG or PNG first`);
}

// A photo's colour hints as the page edits them: a list of {id, kind: 'point' | 'stroke',
// ...} in the order they were made, turned into the hints file's shape for the core.
function hintsFile(p) {
  const points = [], strokes = [];
  for (const h of p.hints.list) {
    if (h.kind === 'stroke') strokes.push({ rgb: h.rgb, width: h.width, path: h.path });
    else points.push({ x: h.x, y: h.y, r: h.r, rgb: h.rgb });
  }
  return { width: p.input.width, height: p.input.height, points, strokes };
}

// ---------------------------------------------------------------- Repair's masks (issue 26)
// A kept photo's mask is the detected one (or a mask file opened) with the user's brush edits
// on top: the page sends the whole list of edits each time (a new stroke, undo, redo: "this
// list"), and only the pixels the changed edits cover are painted again. Once the photo has
// been healed, an edit heals again only the core's tiles it can change, cut out of the photo
// with their context, healed through the same call as the whole photo, and pasted back: the
// result is byte for byte what healing the whole photo with the new mask gives
// (tests/node/repair.test.mjs), in tens of milliseconds instead of seconds on 12 MP. Answers
// carry the changed part of the mask's overlay, and of the result, as bitmaps the page draws
// where they belong (pixels in Node, which has no bitmaps).

// The core heals in tiles, each read with a margin of context around it and writing only its
// own mask pixels: a tile's pixels depend only on the photo and the mask within the margin of
// it (core.repairReach(), studio_repair_reach: the core says how far, the page does not guess),
// as long as the mask holds no wide hole (a wide x wide square of mask, which the core fills
// from patches found as far as the hole is big): then the whole photo is healed again.
// The overlay: the mask in magenta, two thirds opaque, seen on any photo.
const OVERLAY = [255, 0, 170, 170];
// Above this share of the photo a region is healed as the whole photo (the same pixels).
const WHOLE = 0.5;

const area = (r) => Math.max(0, r.x1 - r.x0) * Math.max(0, r.y1 - r.y0);
// Whether a mask (w wide, non-zero = marked) holds an s x s square of marks: per column the
// run of marked rows ending here, per row the run of columns whose run reaches s.
function hasSquare(mask, w, s) {
  const h = mask.length / w, down = new Uint32Array(w);
  for (let y = 0; y < h; y++) {
    let across = 0;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      down[x] = mask[i] ? down[x] + 1 : 0;
      across = down[x] >= s ? across + 1 : 0;
      if (across >= s) return true;
    }
  }
  return false;
}
const union = (a, b) => (!a ? b : !b ? a : { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) });

// An edit: {id, kind: 'add' | 'erase', width (px, 1..1024), path: [[x, y], ...]} in pixels of the photo.
function checkEdit(e, width, height) {
  const ok = e && (e.kind === 'add' || e.kind === 'erase') && Number.isFinite(e.width) && e.width >= 1 && e.width <= 1024 &&
    Array.isArray(e.path) && e.path.length >= 1 && e.path.every((q) => Array.isArray(q) && Number.isFinite(q[0]) && Number.isFinite(q[1]));
  if (!ok) throw new StudioError('argument', 'a mask edit is {kind: \'add\' or \'erase\', width: 1..1024, path: [[x, y], ...]}');
  if (e.path.some(([x, y]) => x < 0 || y < 0 || x >= width || y >= height)) {
    throw new StudioError('argument', `a mask edit's path leaves the ${width}x${height} photo`);
  }
  return { id: e.id, kind: e.kind, width: e.width, path: e.path.map(([x, y]) => [x, y]) };
}

// The pixels an edit can touch, within the photo: {x0, y0, x1, y1}, ends excluded.
function bounds(e, width, height) {
  const r = e.width / 2;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of e.path) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
  return { x0: Math.max(0, Math.floor(x0 - r)), y0: Math.max(0, Math.floor(y0 - r)), x1: Math.min(width, Math.ceil(x1 + r) + 1), y1: Math.min(height, Math.ceil(y1 + r) + 1) };
}

// Paint an edit into mask (one byte a pixel, width W) within clip: every pixel whose centre
// lies within width/2 of the path (a round brush), 255 to add, 0 to erase.
function paint(mask, W, e, clip) {
  const r2 = (e.width / 2) ** 2 + 1e-6, v = e.kind === 'erase' ? 0 : 255, pts = e.path, r = e.width / 2;
  for (let i = 0; i < Math.max(1, pts.length - 1); i++) {
    const [ax, ay] = pts[i], [bx, by] = pts[Math.min(i + 1, pts.length - 1)];
    const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
    const x0 = Math.max(clip.x0, Math.floor(Math.min(ax, bx) - r)), x1 = Math.min(clip.x1, Math.ceil(Math.max(ax, bx) + r) + 1);
    const y0 = Math.max(clip.y0, Math.floor(Math.min(ay, by) - r)), y1 = Math.min(clip.y1, Math.ceil(Math.max(ay, by) + r) + 1);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
        const ex = x - ax - t * dx, ey = y - ay - t * dy;
        if (ex * ex + ey * ey <= r2) mask[y * W + x] = v;
      }
    }
  }
}

// A rectangle of an image ({width, height, channels, data}) as an image of its own.
function cut(img, r) {
  const c = img.channels, w = r.x1 - r.x0, h = r.y1 - r.y0, out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) out.set(img.data.subarray(((r.y0 + y) * img.width + r.x0) * c, ((r.y0 + y) * img.width + r.x1) * c), y * w * c);
  return { width: w, height: h, channels: c, data: out };
}

// Copy rectangle r of the image into dst (same channels), from src cut at `from`.
function paste(dst, src, from, r) {
  const c = dst.channels;
  for (let y = r.y0; y < r.y1; y++) {
    const s = ((y - from.y0) * src.width + (r.x0 - from.x0)) * c;
    dst.data.set(src.data.subarray(s, s + (r.x1 - r.x0) * c), (y * dst.width + r.x0) * c);
  }
}

// The mask's overlay over rectangle r: RGBA, OVERLAY where damaged, clear elsewhere.
function overlay(mask, W, r) {
  const w = r.x1 - r.x0, h = r.y1 - r.y0, out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0, i = (r.y0 + y) * W + r.x0, o = y * w * 4; x < w; x++, i++, o += 4) if (mask[i]) out.set(OVERLAY, o);
  }
  return { width: w, height: h, channels: 4, data: out };
}

function count(mask, W, r) {
  let n = 0;
  for (let y = r.y0; y < r.y1; y++) for (let i = y * W + r.x0, end = y * W + r.x1; i < end; i++) n += mask[i] !== 0;
  return n;
}

// One byte a pixel, 255 where any colour channel of the image is non-zero (the core's rule:
// alpha ignored).
function binary({ width, height, channels, data }) {
  const m = new Uint8Array(width * height), cc = channels === 1 ? 1 : 3;
  for (let i = 0, p = 0; i < m.length; i++, p += channels) {
    let v = 0;
    for (let k = 0; k < cc; k++) v |= data[p + k];
    m[i] = v ? 255 : 0;
  }
  return m;
}

/** The repair operations on the session's kept photos. photo(key): the kept photo ({input,
 *  result, mode, ...}); image(img): what an answer carries for the page (a bitmap in browsers). */
function repairOps(getCore, photo, image) {
  const full = (p) => ({ x0: 0, y0: 0, x1: p.input.width, y1: p.input.height });
  const maskImage = (p) => ({ width: p.input.width, height: p.input.height, channels: 1, data: p.repair.mask });

  // The mask made again from its base and every edit, within r.
  function repaint(p, list, r) {
    const { mask, base } = p.repair, W = p.input.width;
    for (let y = r.y0; y < r.y1; y++) mask.set(base.subarray(y * W + r.x0, y * W + r.x1), y * W + r.x0);
    for (const e of list) {
      const b = bounds(e, p.input.width, p.input.height);
      if (b.x0 < r.x1 && b.x1 > r.x0 && b.y0 < r.y1 && b.y1 > r.y0) paint(mask, W, e, r);
    }
  }

  // A new base (detected, or a file's): the edits painted over it again; the result, if any,
  // no longer heals this mask (the page heals again).
  function rebase(p, base, edits = p.repair?.edits ?? []) {
    p.repair = { base, mask: base.slice(), edits, healed: null, damaged: 0 };
    repaint(p, edits, full(p));
    p.repair.damaged = count(p.repair.mask, p.input.width, full(p));
  }

  // Heal again the tiles whose pixels a change of the mask within r can change; the part of
  // the result that changed.
  function healRegion(p, r) {
    const core = getCore(), { width: W, height: H } = p.input, { tile: TILE, margin: MARGIN, wide } = core.repairReach();
    const span = (a, b, n) => [Math.max(0, Math.floor((a - MARGIN) / TILE)), Math.min(Math.ceil(n / TILE) - 1, Math.floor((b - 1 + MARGIN) / TILE))];
    const [tx0, tx1] = span(r.x0, r.x1, W), [ty0, ty1] = span(r.y0, r.y1, H);
    // the cut starts on the core's tile grid (so its tiles are the photo's) a tile before,
    // and ends MARGIN after, the tiles healed: each of them sees its whole context
    const from = { x0: Math.max(0, (tx0 - 1) * TILE), y0: Math.max(0, (ty0 - 1) * TILE), x1: Math.min(W, (tx1 + 1) * TILE + MARGIN), y1: Math.min(H, (ty1 + 1) * TILE + MARGIN) };
    const out = { x0: tx0 * TILE, y0: ty0 * TILE, x1: Math.min(W, (tx1 + 1) * TILE), y1: Math.min(H, (ty1 + 1) * TILE) };
    if (area(from) > WHOLE * W * H || hasSquare(p.repair.mask, W, wide)) {
      p.result = core.repairHeal(p.input, maskImage(p), { radius: p.repair.healed.radius });
      return full(p);
    }
    const healed = core.repairHeal(cut(p.input, from), cut(maskImage(p), from), { radius: p.repair.healed.radius });
    paste(p.result, healed, from, out);
    return out;
  }

  // What every mask call answers: the mask's overlay over r (the whole photo: `whole`), the
  // count of damaged pixels, and the part of the result healed again, if any.
  async function answer(p, r, healed, t0, whole = false) {
    const at = (q) => ({ x: q.x0, y: q.y0, width: q.x1 - q.x0, height: q.y1 - q.y0 });
    return {
      width: p.input.width, height: p.input.height, damaged: p.repair.damaged, edits: p.repair.edits.map((e) => ({ ...e })),
      overlay: r && area(r) ? { ...at(r), whole, image: await image(overlay(p.repair.mask, p.input.width, r)) } : null,
      healed: healed ? { ...at(healed), image: await image(cut(p.result, healed)) } : null,
      ms: Date.now() - t0,
    };
  }

  return {
    /** Detect the photo's damage (options: sensitivity, grow) and keep it as the mask's base;
     *  edits kept from before are painted over it again. The whole overlay. */
    async repairBegin(key, options = {}) {
      const t0 = Date.now(), p = photo(key);
      const { sensitivity, grow } = options;
      rebase(p, getCore().repairDetect(p.input, { sensitivity, grow }).data);
      return answer(p, full(p), null, t0, true);
    },
    /** Replace the edits ({id, kind: 'add' | 'erase', width, path}; a new stroke, undo, redo):
     *  only what changed is painted again, and, once healed, healed again. */
    async repairEdit(key, edits) {
      const t0 = Date.now(), p = photo(key);
      if (!p.repair) throw new StudioError('argument', 'no mask for that photo yet: begin with repairBegin or repairLoad');
      const list = edits.map((e) => checkEdit(e, p.input.width, p.input.height)), old = p.repair.edits;
      let k = 0; // the edits both lists begin with, unchanged
      while (k < old.length && k < list.length && old[k].id !== undefined && old[k].id === list[k].id) k++;
      let r = null;
      for (const e of [...old.slice(k), ...list.slice(k)]) r = union(r, bounds(e, p.input.width, p.input.height));
      p.repair.edits = list;
      if (!r) return answer(p, null, null, t0);
      const W = p.input.width, before = count(p.repair.mask, W, r);
      if (k === old.length) for (const e of list.slice(k)) paint(p.repair.mask, W, e, r); // only added: painted on
      else repaint(p, list, r);
      p.repair.damaged += count(p.repair.mask, W, r) - before;
      const healed = p.repair.healed && p.mode === 'repair' && p.result ? healRegion(p, r) : null;
      return answer(p, r, healed, t0);
    },
    /** The whole overlay of the mask as it is (a page that dropped its copy). */
    async repairView(key) {
      const t0 = Date.now(), p = photo(key);
      if (!p.repair) throw new StudioError('argument', 'no mask for that photo yet: begin with repairBegin or repairLoad');
      return answer(p, full(p), null, t0, true);
    },
    /** A mask file (encoded bytes, or an image) as the mask's base, the edits dropped: refused
     *  with the core's reason when it is not an image, not the photo's size, or grey+alpha. */
    async repairLoad(key, mask) {
      const t0 = Date.now(), p = photo(key);
      rebase(p, binary(getCore().repairCheck(p.input, mask)), []);
      return answer(p, full(p), null, t0, true);
    },
    /** The mask as a greyscale PNG the photo's size: 255 damaged, 0 not. */
    repairSaveMask(key) {
      const p = photo(key);
      if (!p.repair) throw new StudioError('argument', 'no mask for that photo yet');
      return getCore().encode(maskImage(p), { format: 'png' });
    },
    /** For session.run(key, 'repair', options): heal the kept mask (radius), or, with none
     *  kept, detect and heal and keep the mask detected. */
    heal(p, { sensitivity, grow, radius } = {}) {
      const core = getCore();
      if (!p.repair) {
        const { mask, ...out } = core.repair(p.input, { sensitivity, grow, radius });
        rebase(p, mask.data, []);
        p.repair.healed = { radius };
        return out;
      }
      const out = core.repairHeal(p.input, maskImage(p), { radius });
      p.repair.healed = { radius };
      return out;
    },
  };
}

// The modes run() takes: the core call each makes on a kept photo.
const RUN = {
  enhance: (core, input, options) => core.enhance(input, options),
  colorize: (core, input, options) => core.colorize(input, options),
  restore: (core, input, options) => core.restore(input, options),
  repair: null, // the photo's kept mask healed (repairOps)
};

// The hint options that shape the solve (and the network's part of it).
const HINT_OPTIONS = ['vibrance', 'saturation', 'size', 'edgeAware', 'conv', 'trust', 'workMegapixels'];
const sameOptions = (a, b) => HINT_OPTIONS.every((k) => a[k] === b[k]);

export function sessionOps(getCore) {
  const photos = new Map(); // key -> { input, info, look, result, mode, hints }
  const photo = (key) => {
    const p = photos.get(key);
    if (!p) throw new StudioError('argument', 'that photo is no longer open here');
    return p;
  };
  const hintsOf = (p) => (p.hints ||= { list: [], nextId: 1, session: null, options: {} });
  let networkFor = null; // the photo whose network output the model holds (suggestions read it)
  const repair = repairOps(getCore, photo, async (img) => (typeof createImageBitmap === 'function' ? bitmap(img) : img));

  // The core's session for the photo, begun (again) when there is none, the model changed
  // or an option that shapes the solve did; then the current hints solved.
  function solve(p, options = p.hints?.options ?? {}) {
    const core = getCore(), h = hintsOf(p);
    if (!h.session?.alive || h.session.model !== !!core.model || !sameOptions(h.options, options)) {
      h.session?.end();
      h.session = null;
      h.session = core.hintSession(p.input, options);
      h.options = { ...options };
      if (core.model) networkFor = p;
    }
    const t0 = Date.now();
    const stats = h.session.update(hintsFile(p));
    return { ...stats, ms: Date.now() - t0 };
  }

  // What every hint edit answers: the list (with ids), the solver's figures, the preview.
  async function state(p, stats) {
    const preview = p.hints.session.preview();
    return {
      hints: p.hints.list.map((h) => ({ ...h })), model: p.hints.session.model, ...stats,
      width: p.input.width, height: p.input.height, preview: typeof createImageBitmap === 'function' ? await bitmap(preview) : preview,
    };
  }

  // A hint from the page, checked by the core against the photo before it joins the list.
  function accept(p, hint) {
    const item = hint.kind === 'stroke' || hint.path
      ? { kind: 'stroke', rgb: [...hint.rgb], width: hint.width, path: hint.path.map(([x, y]) => [x, y]) }
      : { kind: 'point', x: hint.x, y: hint.y, r: hint.r ?? 0, rgb: [...hint.rgb] };
    const { width, height } = p.input;
    getCore().readHints(item.kind === 'stroke' ? { width, height, strokes: [item] } : { width, height, points: [item] });
    return item;
  }

  return {
    /** Start (or restart with other options) colour hints on a kept photo: {hints, model,
     *  workWidth, workHeight, iterations, error, ms, preview}. options: vibrance, saturation,
     *  size, edgeAware, trust (0..1), workMegapixels (0.01..16). */
    async hintsOpen(key, options = {}) {
      const p = photo(key);
      hintsOf(p);
      return state(p, solve(p, options));
    },
    /** Add a hint ({x, y, r, rgb} or {rgb, width, path}); the answer carries its id. */
    async hintAdd(key, hint) {
      const p = photo(key), h = hintsOf(p), item = accept(p, hint);
      item.id = h.nextId++;
      h.list.push(item);
      try {
        return { id: item.id, ...(await state(p, solve(p))) };
      } catch (e) {
        h.list.pop();
        throw e;
      }
    },
    /** Move a hint by (dx, dy) pixels: a point's centre, or a whole stroke. */
    async hintMove(key, id, dx, dy) {
      const p = photo(key), h = hintsOf(p), i = h.list.findIndex((x) => x.id === id);
      if (i < 0) throw new StudioError('argument', `there is no hint ${id}`);
      const old = h.list[i];
      const moved = old.kind === 'stroke'
        ? { ...old, path: old.path.map(([x, y]) => [x + dx, y + dy]) } : { ...old, x: old.x + dx, y: old.y + dy };
      h.list[i] = { ...accept(p, moved), id };
      try {
        return await state(p, solve(p));
      } catch (e) {
        h.list[i] = old;
        throw e;
      }
    },
    async hintRemove(key, id) {
      const p = photo(key), h = hintsOf(p), i = h.list.findIndex((x) => x.id === id);
      if (i < 0) throw new StudioError('argument', `there is no hint ${id}`);
      h.list.splice(i, 1);
      return state(p, solve(p));
    },
    /** Replace every hint: a list like the one the answers carry (undo, redo, clear), or
     *  the hints file's object. */
    async hintsSet(key, hints) {
      const p = photo(key), h = hintsOf(p), old = h.list;
      const items = Array.isArray(hints) ? hints
        : [...(hints.strokes ?? []).map((k) => ({ kind: 'stroke', ...k })), ...(hints.points ?? []).map((q) => ({ kind: 'point', ...q }))];
      if (!Array.isArray(hints)) getCore().readHints(hints, p.input); // the file's own checks (size, ranges) first
      h.list = items.map((x) => ({ ...accept(p, x), id: x.id ?? h.nextId++ }));
      h.nextId = Math.max(h.nextId, ...h.list.map((x) => x.id + 1));
      try {
        return await state(p, solve(p));
      } catch (e) {
        h.list = old;
        throw e;
      }
    },
    /** The hints file (JSON text) of the photo's hints, as the core writes it. */
    hintsExport(key) {
      const f = getCore().readHints(hintsFile(photo(key)));
      // one hint a line: a file a person can read and diff
      const list = (items) => (items.length ? `[\n    ${items.map((x) => JSON.stringify(x)).join(',\n    ')}\n  ]` : '[]');
      return `{\n  "width": ${f.width}, "height": ${f.height},\n  "points": ${list(f.points)},\n  "strokes": ${list(f.strokes)}\n}\n`;
    },
    /** The network's likeliest colours at (x, y) of the photo: [{rgb, p}] (none without a model). */
    suggestColours(key, x, y) {
      const p = photo(key), core = getCore();
      if (!core.model) return [];
      if (networkFor !== p) { p.hints?.session?.end(); solve(p); }
      return core.suggest(x, y);
    },
    /** Decode and keep a photo; its facts, a suggested mode and a thumbnail bitmap. name
     *  and type (the file's) name the format when it cannot be read. */
    async open(key, bytes, { thumb = 160, name, type } = {}) {
      const core = getCore();
      const { info, input } = await read(core, bytes, { name, type });
      const look = looks(input);
      // the fade analysis reads a 384-pixel copy the core makes: one pass over the pixels
      const fade = input.channels >= 3 ? core.analyzeFade(input) : null;
      photos.set(key, { input, info, look, fade, result: null, mode: null });
      const s = Math.min(1, thumb / Math.max(input.width, input.height));
      const small = s < 1 ? core.resize(input, Math.max(1, Math.round(input.width * s)), Math.max(1, Math.round(input.height * s)), { filter: 'area' }) : input;
      return { info, look, fade, suggestion: suggest(look, input.channels, fade), thumb: await bitmap(small) };
    },
    /** A full-resolution bitmap of the photo ('input') or its latest result. */
    async view(key, which = 'input') {
      const p = photo(key);
      const image = which === 'result' ? p.result : p.input;
      if (!image) throw new StudioError('argument', 'no result yet');
      return bitmap(image);
    },
    /** Run a mode ('enhance', 'colorize', 'restore' or 'repair') on the kept photo; the result
     *  is kept and its look returned (restore: with fade, the analysis it used; repair: the
     *  photo's mask healed, detected first when it has none, and the damaged pixels' count). */
    run(key, mode, options = {}) {
      const core = getCore(), p = photo(key);
      if (!(mode in RUN)) throw new StudioError('argument', `unknown mode '${mode}': enhance, colorize, restore or repair`);
      if (p.repair) p.repair.healed = null; // the result is about to be another one
      if (mode === 'repair') {
        p.result = repair.heal(p, options);
      } else if (mode === 'colorize' && p.hints?.list.length) {
        solve(p, { ...p.hints.options, ...options });
        p.result = p.hints.session.render();
      } else {
        p.result = RUN[mode](core, p.input, options);
        if (mode === 'colorize') networkFor = p;
      }
      p.mode = mode;
      const fade = p.result.fade;
      return { width: p.result.width, height: p.result.height, look: looks(p.result), before: p.look, ...(fade ? { fade } : {}),
        ...(mode === 'repair' ? { damaged: p.repair.damaged } : {}) };
    },
    // Repair: the photo's mask, edited with a brush, and the part healed again (repairOps).
    repairBegin: repair.repairBegin,
    repairEdit: repair.repairEdit,
    repairLoad: repair.repairLoad,
    repairView: repair.repairView,
    repairSaveMask: repair.repairSaveMask,
    /** The latest result encoded: PNG or JPEG bytes. */
    export(key, { format = 'png', quality = 90 } = {}) {
      const p = photo(key);
      if (!p.result) throw new StudioError('argument', 'nothing to download yet: run a mode first');
      return getCore().encode(p.result, { format, quality });
    },
    close(key) {
      photos.get(key)?.hints?.session?.end();
      if (networkFor === photos.get(key)) networkFor = null;
      return photos.delete(key);
    },
    /** Encoded bytes in, re-encoded bytes out (a kept PNG master as JPEG), pixels staying here. */
    transcode(bytes, { format = 'png', quality = 90 } = {}) {
      const core = getCore();
      return core.encode(core.decode(bytes), { format, quality });
    },
    /** [{name, bytes}] -> one ZIP archive's bytes. */
    zip: (entries) => zip(entries),
  };
}
