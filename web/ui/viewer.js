// viewer.js - before/after over the same pixels: one canvas, the input drawn left of the
// split and the result right of it, both through the same zoom and pan, so a detail is
// compared in place. Wheel and pinch zoom about the pointer, drag pans, keys do both;
// drawing is drawImage of bitmaps the worker made (the GPU scales), never a pixel loop.
// On a touch screen a vertical swipe scrolls the page until the photo is zoomed in (pinch,
// or a double-tap, which also zooms back out): the box's `zoomed` class turns the
// stylesheet's touch-action from pan-y to none. The box's --aspect is the photo's, so a
// layout may size the box to it (phones).
// Tools (the brushes: colour hints, ui/hints.js, and the Repair mask, ui/mask.js; at most one
// active at a time, viewer.addTool(t)): the active one may take a one-pointer press before it
// pans, keys before the viewer's own, and draw over the picture:
//   tool.down(e, p) -> true to own this pointer (p: the image pixel under it); its moves and
//   release then go to tool.move(e, p) / tool.up(e, p); tool.cancel() when a second finger
//   turns the gesture into a pinch; tool.key(e) -> true when it used the key;
//   tool.draw(g, viewer) with g in CSS pixels of the viewer.

const MIN = 1 / 64, MAX = 32;
const DOUBLE_TAP_MS = 300, DOUBLE_TAP_PX = 30, DOUBLE_TAP_ZOOM = 2.5;

export class Viewer {
  constructor({ canvas, box, split, level, onZoom }) {
    Object.assign(this, { canvas, box, split, level, onZoom });
    this.before = null; this.after = null;
    this.scale = 1; this.x = 0; this.y = 0; this.fit = true; // image pixel (0,0) at (x, y) in CSS px
    this.pointers = new Map();
    this.tools = [];
    this.lastTap = null; // {t, x, y} of the last one-finger touch, for the double-tap
    this.tapZoomAt = -Infinity;
    new ResizeObserver(() => this.resize()).observe(box);
    split.addEventListener('input', () => this.draw());
    box.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    box.addEventListener('pointerdown', (e) => this.down(e));
    box.addEventListener('pointermove', (e) => this.move(e));
    for (const t of ['pointerup', 'pointercancel', 'pointerleave']) box.addEventListener(t, (e) => this.up(e));
    box.addEventListener('keydown', (e) => this.key(e));
    // a mouse's double-click; after a touch double-tap (handled in down()) the browser may send one too
    box.addEventListener('dblclick', (e) => { if (!this.tool?.active && e.timeStamp - this.tapZoomAt > 800) this.toggleZoom(e.clientX, e.clientY); });
  }

  /** The tool in use: the active one of those added, or null. */
  get tool() { return this.tools.find((t) => t.active) ?? null; }
  addTool(t) { this.tools.push(t); }

  get width() { return (this.before || this.after)?.width || 0; }
  get height() { return (this.before || this.after)?.height || 0; }

  /** New pictures; keep the view when the size is unchanged (an option changed). */
  show(before, after) {
    const same = this.before && before && before.width === this.width && before.height === this.height;
    if (this.before && this.before !== before) this.before.close?.();
    if (this.after && this.after !== after && this.after !== before) this.after.close?.();
    this.before = before; this.after = after;
    if (!same) this.fit = true;
    if (this.width) this.box.style.setProperty('--aspect', `${this.width} / ${this.height}`);
    else this.box.style.removeProperty('--aspect');
    this.resize();
  }

  clear() { this.show(null, null); }

  resize() {
    const r = this.box.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    this.cssW = r.width; this.cssH = r.height;
    this.canvas.width = Math.max(1, Math.round(r.width * dpr));
    this.canvas.height = Math.max(1, Math.round(r.height * dpr));
    if (this.fit) this.fitView();
    this.draw();
  }

  fitView() {
    if (!this.width) return;
    this.fit = true;
    this.scale = Math.min(this.cssW / this.width, this.cssH / this.height, 1);
    this.x = (this.cssW - this.width * this.scale) / 2;
    this.y = (this.cssH - this.height * this.scale) / 2;
  }

  /** Zoom to s (image px -> CSS px) keeping the image point under (cx, cy) in place. */
  zoomTo(s, cx = this.cssW / 2, cy = this.cssH / 2) {
    if (!this.width) return;
    s = Math.min(MAX, Math.max(MIN, s));
    this.x = cx - ((cx - this.x) * s) / this.scale;
    this.y = cy - ((cy - this.y) * s) / this.scale;
    this.scale = s; this.fit = false;
    this.clamp();
    this.draw();
  }

  zoom(how) {
    if (how === 'fit') { this.fitView(); this.draw(); return; }
    // 1:1 is one image pixel per device pixel: what "actual pixels" means on a HiDPI screen
    if (how === '1') { this.zoomTo(1 / (window.devicePixelRatio || 1)); return; }
    this.zoomTo(this.scale * (how === 'in' ? 1.5 : 1 / 1.5));
  }

  /** Double-tap or double-click: from the fitted view zoom in about the point, else back to fit. */
  toggleZoom(clientX, clientY) {
    if (!this.width) return;
    const r = this.box.getBoundingClientRect();
    if (this.fit) this.zoomTo(this.scale * DOUBLE_TAP_ZOOM, clientX - r.left, clientY - r.top);
    else this.zoom('fit');
  }

  // Keep some of the image on screen whatever the pan.
  clamp() {
    const w = this.width * this.scale, h = this.height * this.scale, m = 48;
    this.x = Math.min(this.cssW - Math.min(m, w), Math.max(Math.min(m, w) - w, this.x));
    this.y = Math.min(this.cssH - Math.min(m, h), Math.max(Math.min(m, h) - h, this.y));
  }

  wheel(e) {
    if (!this.width) return;
    e.preventDefault();
    const r = this.box.getBoundingClientRect();
    this.zoomTo(this.scale * Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.002)), e.clientX - r.left, e.clientY - r.top);
  }

  /** The image pixel (fractional) under a point of the screen (client coordinates). */
  toImage(clientX, clientY) {
    const r = this.box.getBoundingClientRect();
    return { x: (clientX - r.left - this.x) / this.scale, y: (clientY - r.top - this.y) / this.scale };
  }

  down(e) {
    if (!this.width) return;
    this.box.setPointerCapture?.(e.pointerId);
    const p = { x: e.clientX, y: e.clientY, tool: false };
    if (e.pointerType === 'touch' && !this.pointers.size && !this.tool?.active) {
      const last = this.lastTap, now = e.timeStamp;
      this.lastTap = { t: now, x: e.clientX, y: e.clientY };
      if (last && now - last.t < DOUBLE_TAP_MS && Math.hypot(e.clientX - last.x, e.clientY - last.y) < DOUBLE_TAP_PX) {
        this.lastTap = null; this.tapZoomAt = now;
        this.toggleZoom(e.clientX, e.clientY);
        return;
      }
    }
    const owner = [...this.pointers.values()].find((q) => q.tool);
    if (owner) { owner.tool = false; this.tool?.cancel?.(); } // a second finger: a pinch, not a stroke
    else if (!this.pointers.size && this.tool?.down(e, this.toImage(e.clientX, e.clientY))) p.tool = true;
    this.pointers.set(e.pointerId, p);
  }

  up(e) {
    const p = this.pointers.get(e.pointerId);
    this.pointers.delete(e.pointerId);
    if (!p?.tool) return;
    if (e.type === 'pointerup') this.tool?.up(e, this.toImage(e.clientX, e.clientY));
    else this.tool?.cancel?.();
  }

  move(e) {
    const p = this.pointers.get(e.pointerId);
    if (!p) return;
    if (p.tool) { this.tool?.move(e, this.toImage(e.clientX, e.clientY)); return; }
    const r = this.box.getBoundingClientRect();
    if (this.pointers.size === 2) { // pinch: scale by the change in finger distance about their midpoint, pan with it
      const [a, b] = [...this.pointers.values()];
      const before = Math.hypot(a.x - b.x, a.y - b.y), mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
      p.x = e.clientX; p.y = e.clientY;
      const after = Math.hypot(a.x - b.x, a.y - b.y);
      this.x += (a.x + b.x) / 2 - mx; this.y += (a.y + b.y) / 2 - my;
      if (before > 0) this.zoomTo(this.scale * (after / before), (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
      return;
    }
    // one finger on the fitted photo is the page's scroll (touch-action: pan-y), not a pan
    if (e.pointerType === 'touch' && this.fit) { p.x = e.clientX; p.y = e.clientY; return; }
    this.x += e.clientX - p.x; this.y += e.clientY - p.y;
    p.x = e.clientX; p.y = e.clientY;
    this.fit = false;
    this.clamp();
    this.draw();
  }

  key(e) {
    if (!this.width) return;
    if (this.tool?.key?.(e)) { e.preventDefault(); return; }
    const step = e.shiftKey ? 200 : 40;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) { this.x += moves[e.key][0]; this.y += moves[e.key][1]; this.fit = false; this.clamp(); this.draw(); }
    else if (e.key === '+' || e.key === '=') this.zoom('in');
    else if (e.key === '-') this.zoom('out');
    else if (e.key === '0') this.zoom('fit');
    else if (e.key === '1') this.zoom('1');
    else return;
    e.preventDefault();
  }

  draw() {
    const g = this.canvas.getContext('2d'), dpr = window.devicePixelRatio || 1;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.box.classList.toggle('has-image', !!this.width);
    this.box.classList.toggle('has-result', !!this.after);
    this.box.classList.toggle('zoomed', !!this.width && !this.fit);
    this.level.value = this.width ? `${Math.round(this.scale * dpr * 100)}%` : 'Fit';
    this.onZoom?.(this.scale);
    if (!this.width) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    // smooth when shrinking, crisp pixels when zoomed in past 1:1 (to inspect detail)
    g.imageSmoothingEnabled = this.scale * dpr < 2;
    g.imageSmoothingQuality = 'high';
    const w = this.width * this.scale, h = this.height * this.scale;
    const cut = this.after ? (this.cssW * Number(this.split.value)) / 100 : this.cssW;
    if (this.before) {
      g.save(); g.beginPath(); g.rect(0, 0, cut, this.cssH); g.clip();
      g.drawImage(this.before, this.x, this.y, w, h);
      g.restore();
    }
    if (this.after) {
      g.save(); g.beginPath(); g.rect(cut, 0, this.cssW - cut, this.cssH); g.clip();
      g.drawImage(this.after, this.x, this.y, w, h);
      g.restore();
      g.fillStyle = '#fff'; g.fillRect(cut - 1, 0, 2, this.cssH);
      g.fillStyle = '#0006'; g.fillRect(cut + 1, 0, 1, this.cssH);
    }
    this.tool?.draw(g, this);
  }
}
