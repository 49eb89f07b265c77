// brush.js - what the page's two brushes share: the colour hints (ui/hints.js) and the Repair
// mode's mask (ui/mask.js). A Brush is one of the viewer's tools (ui/viewer.js): while it is
// active, a one-pointer press on the photo paints (a press that wanders less than TAP CSS px is
// a click), while everything else stays the viewer's, alike in both: a second finger turns the
// stroke into a pinch, a right or middle drag and space + drag pan, the wheel zooms, a touch
// on the fitted photo scrolls the page; no double-tap zoom while painting. Ctrl+Z and
// Ctrl+Shift+Z (Cmd on macOS; Ctrl+Y too) undo and redo wherever the focus is but in text;
// the size slider says its size. Subclasses give active, current() (the photo's state: its
// list, undo and redo stacks), changed(st) and what a stroke does.
// The keyboard's brush, for whoever paints without a pointer: a cursor (a circle the brush's
// size) shown at the middle of the view, moved by the arrows in steps of the screen (so
// zooming in makes them finer) and kept in sight by panning the view; while its pen is down
// (penDown) each step extends a paint gesture like a pointer's, which the subclass's up()
// ends, so a stroke painted with keys is sent as one from the pointer is. The focus leaving
// the photo lifts the pen. Which keys do what is the subclass's (key(e)): Repair's mask uses
// it; the colour hints do not yet.

export const TAP = 4; // CSS px a press may wander and still be a click, not a stroke
// an arrow moves the keyboard's brush this many CSS px (Shift: FAR), at least one photo pixel
const STEP = 4, FAR = 32;
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export class Brush {
  /** viewer: the Viewer; el: {brush (the size slider), brushOut (its output), undo, redo}. */
  constructor(viewer, el) {
    this.viewer = viewer; this.el = el;
    this.gesture = null; this.space = false;
    this.cursor = null; // the keyboard's brush: the photo pixel it is over, or null when put away
    viewer.addTool(this);
    el.brush.addEventListener('input', () => { el.brushOut.value = `${this.size} px`; if (this.cursor) viewer.draw(); });
    el.undo.addEventListener('click', () => this.undo());
    el.redo.addEventListener('click', () => this.redo());
    document.addEventListener('keydown', (e) => {
      if (!this.active || !(e.ctrlKey || e.metaKey) || e.altKey || /^(text|search|email|url|number)$/.test(e.target.type || '')) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) this.undo();
      else if ((k === 'z' && e.shiftKey) || k === 'y') this.redo();
      else return;
      e.preventDefault();
    });
    // space held over the viewer: the next drag pans instead of painting
    viewer.box.addEventListener('keydown', (e) => { if (e.key === ' ' && this.active) { this.space = true; e.preventDefault(); } });
    window.addEventListener('keyup', (e) => { if (e.key === ' ') this.space = false; });
    window.addEventListener('blur', () => { this.space = false; });
    // keys no longer reach the photo: a stroke painted with them ends as it is
    viewer.box.addEventListener('blur', () => { if (this.gesture?.keys) this.up(); });
    // right and middle drags pan: no context menu, no autoscroll
    viewer.box.addEventListener('contextmenu', (e) => { if (this.active) e.preventDefault(); });
    viewer.box.addEventListener('mousedown', (e) => { if (this.active && e.button === 1) e.preventDefault(); });
  }

  /** The brush's size in photo pixels. */
  get size() { return Number(this.el.brush.value); }

  /** A pixel of the photo nearest (x, y). */
  inside(x, y) {
    return { x: Math.min(this.viewer.width - 1, Math.max(0, Math.floor(x))), y: Math.min(this.viewer.height - 1, Math.max(0, Math.floor(y))) };
  }

  /** Whether a press may paint: the brush is on, no pan key held, a mouse's main button. */
  paints(e) { return this.active && !this.space && !(e.pointerType === 'mouse' && e.button !== 0); }

  /** Whether image point p lies on the photo (a press outside it pans). */
  onPhoto(p) { return p.x >= 0 && p.y >= 0 && p.x < this.viewer.width && p.y < this.viewer.height; }

  /** A paint gesture begun at image point p: its path, in photo pixels, grows with drag(). */
  stroke(e, p, extra = {}) {
    return { kind: 'paint', from: p, x: e.clientX, y: e.clientY, path: [this.inside(p.x, p.y)], stroke: false, ...extra };
  }

  /** The pointer moved: past TAP the press is a stroke, and its path takes a point every
   *  quarter of the brush. False while it is still a click. */
  drag(g, e, p) {
    if (!g.stroke && Math.hypot(e.clientX - g.x, e.clientY - g.y) < TAP) return false;
    g.stroke = true;
    const q = this.inside(p.x, p.y), last = g.path[g.path.length - 1];
    if (Math.hypot(q.x - last.x, q.y - last.y) >= Math.max(1, this.size / 4)) g.path.push(q);
    this.viewer.draw();
    return true;
  }

  cancel() { this.gesture = null; this.viewer.draw(); }

  // ------------------------------------------------------------ the keyboard's brush

  /** The photo pixel at the middle of the view. */
  middle() {
    const v = this.viewer;
    return this.inside((v.cssW / 2 - v.x) / v.scale, (v.cssH / 2 - v.y) / v.scale);
  }

  /** The keyboard's brush shown at the middle of the view, pen up. */
  showCursor() {
    this.cursor = this.middle();
    this.viewer.draw();
  }

  /** The keyboard's brush put away; a stroke it was painting is dropped (the subclass ends
   *  one it keeps with up() first). */
  hideCursor() {
    if (this.gesture?.keys) this.gesture = null;
    this.cursor = null;
    this.viewer.draw();
  }

  /** The pen put down at the cursor: a paint gesture (extra: the subclass's fields) that the
   *  arrows extend and up() ends. */
  penDown(extra = {}) {
    const c = this.cursor;
    this.gesture = { kind: 'paint', from: c, path: [c], stroke: true, keys: true, ...extra };
    this.viewer.draw();
  }

  /** An arrow key (e) moves the keyboard's brush: false for any other key. The step is the
   *  screen's, kept on the photo; with the pen down the path takes every step (each one a
   *  deliberate move). The view pans when the circle would leave it. */
  moveCursor(e) {
    const d = ARROWS[e.key];
    if (!d || !this.cursor) return false;
    const v = this.viewer, step = Math.max(1, Math.round((e.shiftKey ? FAR : STEP) / v.scale));
    const c = this.inside(this.cursor.x + d[0] * step, this.cursor.y + d[1] * step);
    this.cursor = c;
    const g = this.gesture, last = g?.keys && g.path[g.path.length - 1];
    if (last && (last.x !== c.x || last.y !== c.y)) g.path.push(c);
    // the whole circle in sight (but for a brush wider than half the view: its middle)
    const r = Math.max(3, (this.size * v.scale) / 2) + 8, sx = v.x + (c.x + 0.5) * v.scale, sy = v.y + (c.y + 0.5) * v.scale;
    const mx = Math.min(r, v.cssW / 4), my = Math.min(r, v.cssH / 4);
    const dx = Math.max(0, mx - sx) - Math.max(0, sx - (v.cssW - mx)), dy = Math.max(0, my - sy) - Math.max(0, sy - (v.cssH - my));
    if (dx || dy) { v.x += dx; v.y += dy; v.fit = false; v.clamp(); }
    v.draw();
    return true;
  }

  /** Which edges of the photo the keyboard's brush is at ('left', 'top', ...). */
  edges() {
    const c = this.cursor, v = this.viewer;
    return [c.x === 0 && 'left', c.x === v.width - 1 && 'right', c.y === 0 && 'top', c.y === v.height - 1 && 'bottom'].filter(Boolean);
  }

  /** The keyboard's brush on the viewer's canvas g: a circle the brush's size, black under
   *  white so it shows on any photo, dashed while the pen is up. */
  drawCursor(g, v) {
    const c = this.cursor;
    if (!c) return;
    const cx = v.x + (c.x + 0.5) * v.scale, cy = v.y + (c.y + 0.5) * v.scale, r = Math.max(3, (this.size * v.scale) / 2);
    g.save();
    g.beginPath(); g.arc(cx, cy, r, 0, 2 * Math.PI);
    g.lineWidth = 3; g.strokeStyle = '#000'; g.stroke();
    if (!this.gesture?.keys) g.setLineDash([4, 4]);
    g.lineWidth = 1.5; g.strokeStyle = '#fff'; g.stroke();
    g.restore();
  }

  // Undo and redo: one move of the current photo's list (st.list) between its two stacks, in
  // opposite directions; stepped(st) then says what else it changes, changed(st) sends it.
  undo() { this.step('undo', 'redo'); }
  redo() { this.step('redo', 'undo'); }
  step(from, to) {
    const st = this.current();
    if (!st?.[from].length) return;
    st[to].push(st.list);
    st.list = st[from].pop();
    this.stepped?.(st);
    this.changed(st);
  }
  /** The current photo's work saved as NAME-suffix (type): bytes(key) once the worker has
   *  every edit (flush); a failure said as `failed: why`. */
  async saveWork(suffix, type, bytes, failed) {
    const st = this.current();
    if (!st) return;
    try {
      await this.flush(st.item);
      this.save(await bytes(st.item.key), `${st.item.name.replace(/\.[^.]*$/, '') || 'photo'}-${suffix}`, type);
    } catch (e) {
      if (e.code !== 'cancelled') this.message(`${failed}: ${e.message}`);
    }
  }

  /** Undo and Redo enabled when they have something to do. */
  showHistory(st) {
    this.el.undo.disabled = !st?.undo.length;
    this.el.redo.disabled = !st?.redo.length;
  }

  /** A path of photo pixels ([[x, y], ...]) drawn on the viewer's canvas g (CSS px), width
   *  CSS px wide, round ends. */
  static line(g, v, path, width, colour) {
    g.beginPath();
    path.forEach(([x, y], i) => g[i ? 'lineTo' : 'moveTo'](v.x + (x + 0.5) * v.scale, v.y + (y + 0.5) * v.scale));
    if (path.length === 1) g.lineTo(v.x + (path[0][0] + 0.5) * v.scale + 0.01, v.y + (path[0][1] + 0.5) * v.scale);
    g.lineWidth = width; g.strokeStyle = colour; g.stroke();
  }
}
