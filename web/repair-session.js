// repair-session.js - the Repair mode's masks in the worker (session.js's part of issue 26).
// A kept photo's mask is the detected one (or a mask file opened) with the user's brush edits
// on top: the page sends the whole list of edits each time (a new stroke, undo, redo: "this
// list"), and only the pixels the changed edits cover are painted again. Once the photo has
// been healed, an edit heals again only the core's tiles it can change, cut out of the photo
// with their context, healed through the same call as the whole photo, and pasted back: the
// result is byte for byte what healing the whole photo with the new mask gives
// (tests/node/repair.test.mjs), in tens of milliseconds instead of seconds on 12 MP. Answers
// carry the changed part of the mask's overlay, and of the result, as bitmaps the page draws
// where they belong (pixels in Node, which has no bitmaps).
import { StudioError } from './shared.js';

// The core heals in TILE px tiles, each read with MARGIN px of context around it and writing
// only its own mask pixels (src/repair/repair.h: ES_REPAIR_TILE, ES_REPAIR_MARGIN). A tile's
// pixels so depend only on the photo and the mask within MARGIN of it.
const TILE = 128, MARGIN = 24;
// The overlay: the mask in magenta, two thirds opaque, seen on any photo.
const OVERLAY = [255, 0, 170, 170];
// Above this share of the photo a region is healed as the whole photo (the same pixels).
const WHOLE = 0.5;

const area = (r) => Math.max(0, r.x1 - r.x0) * Math.max(0, r.y1 - r.y0);
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
export function repairOps(getCore, photo, image) {
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
    const core = getCore(), { width: W, height: H } = p.input;
    const span = (a, b, n) => [Math.max(0, Math.floor((a - MARGIN) / TILE)), Math.min(Math.ceil(n / TILE) - 1, Math.floor((b - 1 + MARGIN) / TILE))];
    const [tx0, tx1] = span(r.x0, r.x1, W), [ty0, ty1] = span(r.y0, r.y1, H);
    // the cut starts on the core's tile grid (so its tiles are the photo's) a tile before,
    // and ends MARGIN after, the tiles healed: each of them sees its whole context
    const from = { x0: Math.max(0, (tx0 - 1) * TILE), y0: Math.max(0, (ty0 - 1) * TILE), x1: Math.min(W, (tx1 + 1) * TILE + MARGIN), y1: Math.min(H, (ty1 + 1) * TILE + MARGIN) };
    const out = { x0: tx0 * TILE, y0: ty0 * TILE, x1: Math.min(W, (tx1 + 1) * TILE), y1: Math.min(H, (ty1 + 1) * TILE) };
    if (area(from) > WHOLE * W * H) {
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
